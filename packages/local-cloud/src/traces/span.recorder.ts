import {
  formatTraceHeader,
  newSpanId,
  newTraceId,
  parseTraceHeader,
  type TraceParent,
} from './trace-header.ts';

/**
 * What a span stands for: a gateway `request`, a function `invocation`, a saga `execution` or one of
 * its `state`s, an AWS `api-call` through the edge, a message's time in a `queue`, a table `stream`
 * record on its way to the relay.
 */
export type SpanKind = 'request' | 'invocation' | 'execution' | 'state' | 'api-call' | 'queue' | 'stream';
export type SpanStatus = 'ok' | 'error' | 'running';
export type SpanAttributes = Record<string, string | number | boolean>;

/** One recorded span, as the recorder keeps it (its ids only its own: inheritance is read later). */
export interface SpanRecord {
  readonly id: string;
  readonly traceId: string;
  readonly parentId: string | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  service: string | undefined;
  function: string | undefined;
  /** Epoch milliseconds, with fractions. */
  readonly startMs: number;
  endMs: number | undefined;
  status: SpanStatus;
  error: string | undefined;
  correlationId: string | undefined;
  orderId: string | undefined;
  readonly attributes: SpanAttributes;
}

export interface SpanStart {
  readonly name: string;
  readonly kind: SpanKind;
  /** The span that started this one; a new trace when absent. */
  readonly parent?: TraceParent | undefined;
  readonly service?: string | undefined;
  readonly function?: string | undefined;
  /** When it started, if before now (a message's send time, say). Epoch milliseconds. */
  readonly startMs?: number;
  readonly correlationId?: string | undefined;
  readonly orderId?: string | undefined;
  readonly attributes?: SpanAttributes;
}

/** A span being recorded. */
export interface ActiveSpan {
  readonly record: SpanRecord;
  /** This span as the parent of what it calls. */
  readonly context: TraceParent;
  /** The X-Ray header that makes a callee a child of this span. */
  readonly header: string;
  /** Sets the ids the span does not have yet (an id found later, in a log line or a result). */
  tag(ids: { correlationId?: string | undefined; orderId?: string | undefined }): void;
  set(attributes: SpanAttributes): void;
  end(outcome?: { status?: SpanStatus; error?: string | undefined; endMs?: number }): void;
}

export const DEFAULT_SPAN_CAPACITY = 20_000;

/** Epoch milliseconds with fractions, the clock spans are timed with. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Keeps the latest spans of the local stack in a ring (memory bounded by `capacity`), and finds a
 * span by id for parent links. Recording a span costs two small objects and a map entry.
 */
export class SpanRecorder {
  readonly #capacity: number;
  readonly #ring: (SpanRecord | undefined)[];
  readonly #byId = new Map<string, SpanRecord>();
  #next = 0;
  #recorded = 0;

  constructor(capacity = DEFAULT_SPAN_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
    this.#ring = new Array(capacity);
  }

  /** How many spans were recorded since the start (the ring holds the latest `capacity`). */
  get recorded(): number {
    return this.#recorded;
  }

  start(start: SpanStart): ActiveSpan {
    const record: SpanRecord = {
      id: newSpanId(),
      traceId: start.parent?.traceId ?? newTraceId(),
      parentId: start.parent?.spanId,
      name: start.name,
      kind: start.kind,
      service: start.service,
      function: start.function,
      startMs: start.startMs ?? nowMs(),
      endMs: undefined,
      status: 'running',
      error: undefined,
      correlationId: start.correlationId || undefined,
      orderId: start.orderId || undefined,
      attributes: { ...start.attributes },
    };
    const evicted = this.#ring[this.#next];
    if (evicted) this.#byId.delete(evicted.id);
    this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.#capacity;
    this.#recorded += 1;
    this.#byId.set(record.id, record);
    const context: TraceParent = { traceId: record.traceId, spanId: record.id };
    let header: string | undefined;
    return {
      record,
      context,
      get header() {
        header ??= formatTraceHeader(context);
        return header;
      },
      tag(ids) {
        if (!record.correlationId && ids.correlationId) record.correlationId = ids.correlationId;
        if (!record.orderId && ids.orderId) record.orderId = ids.orderId;
      },
      set(attributes) {
        Object.assign(record.attributes, attributes);
      },
      end(outcome = {}) {
        if (record.endMs !== undefined) return;
        // Clocks of a millisecond (a message's SentTimestamp) and finer ones meet here: never end before the start.
        record.endMs = Math.max(record.startMs, outcome.endMs ?? nowMs());
        record.status = outcome.status ?? 'ok';
        if (outcome.error) record.error = outcome.error;
      },
    };
  }

  /** Starts a span under the caller named by an X-Ray trace header (a new trace when it names none). */
  startUnder(header: string | undefined, start: Omit<SpanStart, 'parent'>): ActiveSpan {
    return this.start({ ...start, parent: parseTraceHeader(header) });
  }

  get(id: string): SpanRecord | undefined {
    return this.#byId.get(id);
  }

  /** Every span held, oldest first. */
  all(): SpanRecord[] {
    const spans: SpanRecord[] = [];
    for (let i = 0; i < this.#capacity; i++) {
      const span = this.#ring[(this.#next + i) % this.#capacity];
      if (span) spans.push(span);
    }
    return spans;
  }
}

const CORRELATION_ID = /\\*"(?:correlationId|x-correlation-id)\\*"\s*:\s*\\*"([^"\\]{1,200})/;
const ORDER_ID = /\\*"orderId\\*"\s*:\s*\\*"([^"\\]{1,200})/;

/**
 * The correlation and order ids a payload names (JSON text, also inside a JSON string such as an SQS
 * body or an HTTP body): the first `correlationId` (or `x-correlation-id` header) and `orderId`.
 */
export const idsInText = (text: string): { correlationId?: string; orderId?: string } => {
  const ids: { correlationId?: string; orderId?: string } = {};
  if (text.includes('orrelation')) {
    const correlationId = CORRELATION_ID.exec(text)?.[1];
    if (correlationId) ids.correlationId = correlationId;
  }
  if (text.includes('orderId')) {
    const orderId = ORDER_ID.exec(text)?.[1];
    if (orderId) ids.orderId = orderId;
  }
  return ids;
};
