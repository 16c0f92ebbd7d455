import type { SpanAttributes, SpanKind, SpanRecord, SpanStatus } from './span.recorder.ts';

/** A span as `npm run local -- trace --json` and `/_local/traces` give it, with inherited ids filled in. */
export interface TraceSpan {
  readonly id: string;
  readonly parentId: string | null;
  readonly traceId: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly service: string | null;
  readonly function: string | null;
  /** ISO 8601 with milliseconds. */
  readonly start: string;
  /** Milliseconds, to a hundredth; null while running. */
  readonly durationMs: number | null;
  readonly status: SpanStatus;
  readonly error?: string;
  readonly correlationId: string | null;
  readonly orderId: string | null;
  readonly attributes: SpanAttributes;
}

interface Inherited {
  readonly correlationId: string | undefined;
  readonly orderId: string | undefined;
  readonly service: string | undefined;
}

/**
 * Resolves what each span inherits: a span without an order id or service takes its parent's, so a
 * hop that names none of them (an SDK call, a stream record) still belongs to the order. The
 * correlation id is the one the chain started with (the shopper's request): a hop that names another
 * one (a service that correlates by order id) keeps it as `attributes.ownCorrelationId`.
 */
const inheritance = (byId: ReadonlyMap<string, SpanRecord>) => {
  const memo = new Map<string, Inherited>();
  const resolve = (span: SpanRecord): Inherited => {
    const known = memo.get(span.id);
    if (known) return known;
    // Walk up to the first resolved ancestor (or the root) without recursion, then resolve downwards.
    const chain: SpanRecord[] = [];
    let cursor: SpanRecord | undefined = span;
    const seen = new Set<string>();
    while (cursor && !memo.has(cursor.id) && !seen.has(cursor.id)) {
      seen.add(cursor.id);
      chain.push(cursor);
      cursor = cursor.parentId ? byId.get(cursor.parentId) : undefined;
    }
    let above: Inherited | undefined = cursor ? memo.get(cursor.id) : undefined;
    for (let i = chain.length - 1; i >= 0; i--) {
      const current = chain[i] as SpanRecord;
      above = {
        correlationId: above?.correlationId ?? current.correlationId,
        orderId: current.orderId ?? above?.orderId,
        service: current.service ?? above?.service,
      };
      memo.set(current.id, above);
    }
    return above ?? { correlationId: undefined, orderId: undefined, service: undefined };
  };
  return resolve;
};

const round2 = (ms: number): number => Math.round(ms * 100) / 100;

const toTraceSpan = (span: SpanRecord, inherited: Inherited): TraceSpan => ({
  id: span.id,
  parentId: span.parentId ?? null,
  traceId: span.traceId,
  name: span.name,
  kind: span.kind,
  service: inherited.service ?? null,
  function: span.function ?? null,
  start: new Date(span.startMs).toISOString(),
  durationMs: span.endMs === undefined ? null : round2(span.endMs - span.startMs),
  status: span.status,
  ...(span.error ? { error: span.error } : {}),
  correlationId: inherited.correlationId ?? null,
  orderId: inherited.orderId ?? null,
  attributes:
    span.correlationId && span.correlationId !== inherited.correlationId
      ? { ...span.attributes, ownCorrelationId: span.correlationId }
      : span.attributes,
});

/**
 * The spans of one order or correlation id: every span that carries `key` (as its own id or
 * inherited), and the spans above them, oldest first.
 */
export const traceOf = (spans: readonly SpanRecord[], key: string): TraceSpan[] => {
  const byId = new Map(spans.map((span) => [span.id, span]));
  const resolve = inheritance(byId);
  const included = new Set<string>();
  for (const span of spans) {
    const inherited = resolve(span);
    if (inherited.correlationId !== key && inherited.orderId !== key) continue;
    let cursor: SpanRecord | undefined = span;
    while (cursor && !included.has(cursor.id)) {
      included.add(cursor.id);
      cursor = cursor.parentId ? byId.get(cursor.parentId) : undefined;
    }
  }
  return spans
    .filter((span) => included.has(span.id))
    .sort((a, b) => a.startMs - b.startMs)
    .map((span) => toTraceSpan(span, resolve(span)));
};

const flagsOf = (span: TraceSpan): string[] => {
  const flags: string[] = [];
  if (span.attributes.coldStart === true) flags.push('cold start');
  const retry = span.attributes.retry;
  if (typeof retry === 'number' && retry > 0) flags.push(`retry ${retry}`);
  const receiveCount = span.attributes.receiveCount;
  if (typeof receiveCount === 'number' && receiveCount > 1) flags.push(`delivery ${receiveCount}`);
  const retries = span.attributes.retries;
  if (typeof retries === 'number' && retries > 0)
    flags.push(`${retries} ${retries === 1 ? 'retry' : 'retries'}`);
  if (span.attributes.throttled === true) flags.push('throttled');
  if (span.status === 'error') flags.push(`ERROR ${span.error ?? ''}`.trim());
  if (span.status === 'running') flags.push('running');
  return flags;
};

/** The trace as an indented tree: start offset, duration, what ran, and its cold starts, retries and errors. */
export const formatTraceTree = (spans: readonly TraceSpan[]): string => {
  if (spans.length === 0) return '';
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    const parent = span.parentId !== null && ids.has(span.parentId) ? span.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const origin = Math.min(...spans.map((span) => Date.parse(span.start)));
  const end = Math.max(...spans.map((span) => Date.parse(span.start) + (span.durationMs ?? 0)));
  const services = [...new Set(spans.map((span) => span.service).filter((s) => s !== null))];
  const first = spans[0] as TraceSpan;
  const lines = [
    `${spans.length} spans over ${Math.round(end - origin)} ms, services: ${services.join(', ')}` +
      (first.correlationId ? `, correlation id ${first.correlationId}` : '') +
      (first.orderId ? `, order ${first.orderId}` : ''),
    '   start   duration  span',
  ];
  const walk = (parent: string | null, depth: number): void => {
    for (const span of children.get(parent) ?? []) {
      const offset = `+${(Date.parse(span.start) - origin).toFixed(0)}`.padStart(7);
      const duration = (span.durationMs === null ? '…' : `${span.durationMs.toFixed(1)}`).padStart(9);
      const where = span.service ? ` [${span.service}]` : '';
      const flags = flagsOf(span);
      lines.push(
        `${offset} ms ${duration} ms  ${'  '.repeat(depth)}${span.kind} ${span.name}${where}${flags.length > 0 ? `  (${flags.join(', ')})` : ''}`,
      );
      walk(span.id, depth + 1);
    }
  };
  walk(null, 0);
  return lines.join('\n');
};

const OTLP_KIND: Record<SpanKind, number> = {
  request: 2,
  invocation: 2,
  execution: 1,
  state: 1,
  'api-call': 3,
  queue: 5,
  stream: 5,
};

const otlpValue = (value: string | number | boolean) =>
  typeof value === 'string'
    ? { stringValue: value }
    : typeof value === 'boolean'
      ? { boolValue: value }
      : Number.isInteger(value)
        ? { intValue: String(value) }
        : { doubleValue: value };

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

/**
 * The trace as OTLP/JSON (`ExportTraceServiceRequest`): one resource per service, hex trace and span
 * ids, as Jaeger (`/api/v3/traces` or its UI's JSON upload of OTLP) and Grafana Tempo import it.
 */
export const toOtlpJson = (spans: readonly TraceSpan[]) => {
  const byService = new Map<string, TraceSpan[]>();
  for (const span of spans) {
    const service = span.service ?? 'local-cloud';
    const list = byService.get(service) ?? [];
    list.push(span);
    byService.set(service, list);
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `shop-${service}` } }] },
      scopeSpans: [
        {
          scope: { name: '@shop/local-cloud' },
          spans: list.map((span) => {
            const startMs = Date.parse(span.start);
            const attributes: Record<string, string | number | boolean> = {
              'shop.span.kind': span.kind,
              ...(span.function ? { 'faas.name': span.function } : {}),
              ...(span.correlationId ? { 'shop.correlation_id': span.correlationId } : {}),
              ...(span.orderId ? { 'shop.order_id': span.orderId } : {}),
              ...span.attributes,
            };
            return {
              traceId: span.traceId,
              spanId: span.id,
              ...(span.parentId ? { parentSpanId: span.parentId } : {}),
              name: span.name,
              kind: OTLP_KIND[span.kind],
              startTimeUnixNano: nanos(startMs),
              endTimeUnixNano: nanos(startMs + (span.durationMs ?? 0)),
              attributes: Object.entries(attributes).map(([key, value]) => ({
                key,
                value: otlpValue(value),
              })),
              status:
                span.status === 'error'
                  ? { code: 2, ...(span.error ? { message: span.error } : {}) }
                  : { code: span.status === 'ok' ? 1 : 0 },
            };
          }),
        },
      ],
    })),
  };
};
