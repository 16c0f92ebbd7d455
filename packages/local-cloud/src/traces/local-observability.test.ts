import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../lambda/lambda.bundler.ts';
import { createLambdaHost, type LambdaHost } from '../lambda/lambda.host.ts';
import type { FunctionSpec } from '../lambda/lambda.types.ts';
import { EmfCollector } from '../metrics/emf.collector.ts';
import { SpanRecorder } from './span.recorder.ts';
import { traceOf } from './trace.query.ts';
import { parseTraceHeader } from './trace-header.ts';

const spec: FunctionSpec = {
  name: 'order-observed',
  entry: new URL('./test-fixtures/observed.handler.ts', import.meta.url).pathname,
  handler: 'handler',
  memoryMb: 256,
  timeoutSeconds: 5,
  environment: { POWERTOOLS_SERVICE_NAME: 'order' },
};

// A function bundled and run by the Lambda host as any service function is, printing its metrics
// through the real Powertools Metrics; the host's lines go to an EMF collector as the stack's do.
let outDir: string;
let host: LambdaHost;
const spans = new SpanRecorder();
const metrics = new EmfCollector();

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'observed-'));
  const { bundles } = await bundleFunctions([spec], outDir);
  host = createLambdaHost({ spans, log: (line) => void metrics.ingest(line), maxConcurrencyPerFunction: 1 });
  host.register(spec, bundles[spec.name] as string);
}, 60_000);

afterAll(async () => {
  await host?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('spans of invocations', () => {
  it('records a cold then a warm invocation under the caller, an error by its type, and the ids the payload or the log names', async () => {
    const caller = spans.start({
      name: 'POST /checkout',
      kind: 'request',
      service: 'gateway',
      correlationId: 'corr-1',
    });
    await host.invoke('order-observed', { orderId: 'ord_a' }, { traceId: caller.header });
    await host.invoke('order-observed', { orderId: 'ord_a', fail: true }, { traceId: caller.header });
    await host.invoke('order-observed', { logCorrelationId: 'corr-2' });
    caller.end();

    const invocations = spans.all().filter((span) => span.kind === 'invocation');
    expect(invocations.map((span) => [span.attributes.coldStart, span.status, span.error])).toEqual([
      [true, 'ok', undefined],
      [false, 'error', 'Error'],
      [false, 'ok', undefined],
    ]);
    expect(invocations[0]).toMatchObject({
      parentId: caller.record.id,
      traceId: caller.record.traceId,
      orderId: 'ord_a',
      service: 'order',
    });
    // The third had no caller: a trace of its own, its correlation id read from its log line.
    expect(invocations[2]).toMatchObject({ parentId: undefined, correlationId: 'corr-2' });
    expect(invocations[2]?.traceId).not.toBe(caller.record.traceId);

    const trace = traceOf(spans.all(), 'corr-1');
    expect(trace.map((span) => span.name)).toEqual(['POST /checkout', 'order-observed', 'order-observed']);
    // Inherited: the invocations carry the request's correlation id, the request does not get the order's.
    expect(trace.map((span) => [span.correlationId, span.orderId])).toEqual([
      ['corr-1', null],
      ['corr-1', 'ord_a'],
      ['corr-1', 'ord_a'],
    ]);
    expect(traceOf(spans.all(), 'ord_a').map((span) => span.name)).toEqual([
      'POST /checkout',
      'order-observed',
      'order-observed',
    ]);
  });

  it('gives the function a _X_AMZN_TRACE_ID that names its invocation span, so its SDK calls are children', async () => {
    const caller = spans.start({ name: 'caller', kind: 'request' });
    const result = await host.invoke('order-observed', {}, { traceId: caller.header });
    caller.end();
    const invocation = spans.all().find((span) => span.parentId === caller.record.id);
    expect(result.ok && parseTraceHeader((result.payload as { traceHeader: string }).traceHeader)).toEqual({
      traceId: caller.record.traceId,
      spanId: invocation?.id,
    });
  });
});

describe('metrics from EMF', () => {
  it('counts, sums and takes percentiles of what Powertools Metrics printed, per name, unit and dimensions', async () => {
    for (const durationMs of [10, 20, 30, 40, 100]) {
      await host.invoke('order-observed', { orderId: `ord_${durationMs}`, amount: 250, durationMs });
    }
    const summaries = metrics.summaries();
    const confirmed = summaries.find(
      (m) => m.name === 'ordersSettled' && m.dimensions.reason === 'CONFIRMED',
    );
    const failed = summaries.find((m) => m.name === 'ordersSettled' && m.dimensions.reason === 'FAILED');
    // Three earlier invocations settled one order each, the failing one as FAILED.
    expect(confirmed).toMatchObject({
      namespace: 'Shop',
      unit: 'Count',
      count: 8,
      sum: 8,
      dimensions: { service: 'order', reason: 'CONFIRMED' },
    });
    expect(failed).toMatchObject({ count: 1, sum: 1 });
    expect(summaries.find((m) => m.name === 'revenueCaptured')).toMatchObject({ count: 5, sum: 1250 });
    expect(summaries.find((m) => m.name === 'sagaDuration')).toMatchObject({
      unit: 'Milliseconds',
      count: 5,
      sum: 200,
      p50: 30,
      p95: 100,
      min: 10,
      max: 100,
      functions: ['order-observed'],
    });
  });

  it('ignores lines that are not EMF', () => {
    const collector = new EmfCollector();
    expect(collector.ingest('[order-http] {"level":"INFO","message":"hello"}')).toBe(false);
    expect(collector.ingest('[order-http] {"_aws": not json')).toBe(false);
    expect(collector.ingest('{"_aws":{"CloudWatchMetrics":"nope"}}')).toBe(false);
    expect(collector.summaries()).toEqual([]);
  });
});
