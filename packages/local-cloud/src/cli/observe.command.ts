import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { MetricSummary } from '../metrics/emf.collector.ts';
import { METRICS_PATH } from '../metrics/metrics.api.ts';
import { LOCAL_API_PREFIX } from '../stack/local-defaults.ts';
import { formatTraceTree, type TraceSpan, toOtlpJson } from '../traces/trace.query.ts';
import { edgeEndpointOf } from './edge-endpoint.ts';

const TRACE_USAGE = 'usage: npm run local -- trace <orderId|correlationId> [--json | --otlp <file>]';

const getJson = async (url: string, what: string): Promise<unknown> => {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`no running shop answers at ${new URL(url).origin} (start it with npm start)`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = (body as { detail?: unknown } | undefined)?.detail;
    throw new Error(`${what}: ${response.status} ${typeof detail === 'string' ? detail : ''}`.trim());
  }
  return body;
};

/** The spans of one order or correlation id, as the running shop's `/_local/traces` gives them. */
export const fetchTrace = async (edgeUrl: string, key: string): Promise<TraceSpan[]> => {
  const body = (await getJson(
    `${edgeUrl}${LOCAL_API_PREFIX}/traces/${encodeURIComponent(key)}`,
    'trace',
  )) as {
    spans: TraceSpan[];
  };
  return body.spans;
};

/** The `--json` form: the span fields the docs promise, in that order. */
const jsonSpanOf = (span: TraceSpan) => ({
  id: span.id,
  parentId: span.parentId,
  name: span.name,
  kind: span.kind,
  service: span.service,
  function: span.function,
  start: span.start,
  durationMs: span.durationMs,
  status: span.status,
  ...(span.error ? { error: span.error } : {}),
  correlationId: span.correlationId,
  orderId: span.orderId,
  attributes: span.attributes,
});

export const runTrace = async (args: readonly string[], root: string): Promise<void> => {
  const key = args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--otlp');
  const otlpAt = args.indexOf('--otlp');
  const otlpFile = otlpAt >= 0 ? args[otlpAt + 1] : undefined;
  if (!key || (otlpAt >= 0 && !otlpFile)) {
    console.error(TRACE_USAGE);
    process.exitCode = 2;
    return;
  }
  const spans = await fetchTrace(edgeEndpointOf(root).url, key);
  if (args.includes('--json')) {
    console.log(JSON.stringify(spans.map(jsonSpanOf), null, 2));
    return;
  }
  if (otlpFile) {
    const path = resolve(otlpFile);
    await writeFile(path, `${JSON.stringify(toOtlpJson(spans))}\n`);
    console.log(`${spans.length} spans written to ${path} as OTLP/JSON`);
    return;
  }
  if (spans.length === 0) {
    console.log(`no spans carry ${key} (the runtime keeps the latest 20,000 spans; is the id right?)`);
    process.exitCode = 1;
    return;
  }
  console.log(formatTraceTree(spans));
};

const round = (value: number): string =>
  Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);

/** `npm run local -- metrics [--json] [name]`: the EMF metrics the running shop's functions printed. */
export const runMetrics = async (args: readonly string[], root: string): Promise<void> => {
  const name = args.find((arg) => !arg.startsWith('--'));
  const url = new URL(`${edgeEndpointOf(root).url}${METRICS_PATH}`);
  if (name) url.searchParams.set('name', name);
  const { items } = (await getJson(url.toString(), 'metrics')) as { items: MetricSummary[] };
  if (args.includes('--json')) {
    console.log(
      JSON.stringify(
        items.map(({ name: metric, unit, dimensions, count, sum, p50, p95, namespace }) => ({
          name: metric,
          unit,
          dimensions,
          count,
          sum,
          p50,
          p95,
          namespace,
        })),
        null,
        2,
      ),
    );
    return;
  }
  if (items.length === 0) {
    console.log('no metrics yet: the functions print EMF (Powertools Metrics) as they run');
    return;
  }
  const rows: string[][] = [['metric', 'unit', 'dimensions', 'count', 'sum', 'p50', 'p95']];
  for (const item of items) {
    rows.push([
      item.name,
      item.unit,
      Object.entries(item.dimensions)
        .map(([key, value]) => `${key}=${value}`)
        .join(' '),
      String(item.count),
      round(item.sum),
      round(item.p50),
      round(item.p95),
    ]);
  }
  const widths = rows.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  console.log(
    rows
      .map((row) =>
        row
          .map((cell, i) => (i >= 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
          .join('  '),
      )
      .join('\n'),
  );
};
