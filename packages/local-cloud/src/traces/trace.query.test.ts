import { describe, expect, it } from 'vitest';
import { SpanRecorder } from './span.recorder.ts';
import { formatTraceTree, toOtlpJson, traceOf } from './trace.query.ts';
import { formatTraceHeader, parseTraceHeader } from './trace-header.ts';
import { createTracesApi } from './traces.api.ts';
import { WriteLinks } from './write-links.ts';

/** A request, its invocation (cold, with a caught retry in a state under it) and a consumer that failed. */
const sampleTrace = () => {
  const spans = new SpanRecorder();
  const request = spans.start({
    name: 'POST /checkout',
    kind: 'request',
    service: 'gateway',
    correlationId: 'c-1',
    startMs: 1000,
  });
  const http = spans.start({
    name: 'order-http',
    kind: 'invocation',
    service: 'order',
    parent: request.context,
    startMs: 1001,
  });
  http.set({ coldStart: true });
  const state = spans.start({
    name: 'CapturePayment',
    kind: 'state',
    parent: http.context,
    orderId: 'ord_1',
    startMs: 1010,
    attributes: { retries: 2 },
  });
  const consumer = spans.start({
    name: 'cart-order-confirmed',
    kind: 'invocation',
    service: 'cart',
    parent: state.context,
    correlationId: 'ord_1',
    startMs: 1020,
  });
  consumer.end({ endMs: 1025, status: 'error', error: 'Runtime.ExitError' });
  state.end({ endMs: 1030 });
  http.end({ endMs: 1040 });
  request.end({ endMs: 1041.5 });
  spans
    .start({ name: 'GET /health', kind: 'request', service: 'gateway', startMs: 2000 })
    .end({ endMs: 2001 });
  return spans;
};

describe('a trace', () => {
  it('holds the spans carrying the id and the spans above them, with inherited ids', () => {
    const trace = traceOf(sampleTrace().all(), 'ord_1');
    expect(trace.map((span) => [span.name, span.correlationId, span.orderId])).toEqual([
      ['POST /checkout', 'c-1', null],
      ['order-http', 'c-1', null],
      ['CapturePayment', 'c-1', 'ord_1'],
      // Its own correlation id (the order id) gives way to the chain's, and is kept.
      ['cart-order-confirmed', 'c-1', 'ord_1'],
    ]);
    expect(trace[3]?.attributes.ownCorrelationId).toBe('ord_1');
    expect(trace[2]?.service).toBe('order');
    expect(trace[0]?.durationMs).toBe(41.5);
  });

  it('prints as a tree with offsets, durations, cold starts, retries and errors', () => {
    const tree = formatTraceTree(traceOf(sampleTrace().all(), 'c-1'));
    expect(tree.split('\n')).toEqual([
      '4 spans over 42 ms, services: gateway, order, cart, correlation id c-1',
      '   start   duration  span',
      '     +0 ms      41.5 ms  request POST /checkout [gateway]',
      '     +1 ms      39.0 ms    invocation order-http [order]  (cold start)',
      '    +10 ms      20.0 ms      state CapturePayment [order]  (2 retries)',
      '    +20 ms       5.0 ms        invocation cart-order-confirmed [cart]  (ERROR Runtime.ExitError)',
    ]);
  });

  it('exports as OTLP/JSON: a resource per service, hex ids, nanosecond times, status codes', () => {
    const otlp = toOtlpJson(traceOf(sampleTrace().all(), 'c-1'));
    expect(otlp.resourceSpans.map((r) => r.resource.attributes[0]?.value.stringValue)).toEqual([
      'shop-gateway',
      'shop-order',
      'shop-cart',
    ]);
    const spans = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const request = spans.find((span) => span.name === 'POST /checkout');
    expect(request).toMatchObject({
      kind: 2,
      startTimeUnixNano: '1000000000',
      endTimeUnixNano: '1041500000',
      status: { code: 1 },
    });
    expect(request).not.toHaveProperty('parentSpanId');
    const consumer = spans.find((span) => span.name === 'cart-order-confirmed');
    expect(consumer?.status).toEqual({ code: 2, message: 'Runtime.ExitError' });
    expect(consumer?.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([request?.traceId]));
  });

  it('forgets the oldest spans beyond its capacity', () => {
    const spans = new SpanRecorder(3);
    for (const name of ['a', 'b', 'c', 'd']) spans.start({ name, kind: 'request' }).end();
    expect(spans.all().map((span) => span.name)).toEqual(['b', 'c', 'd']);
    expect(spans.recorded).toBe(4);
  });
});

describe('trace headers', () => {
  it('reads and writes the X-Ray form Lambda, the SDK and SQS carry', () => {
    const parent = { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8' };
    const header = formatTraceHeader(parent);
    expect(header).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    expect(parseTraceHeader(header)).toEqual(parent);
    expect(parseTraceHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0')).toBeUndefined();
    expect(parseTraceHeader('garbage')).toBeUndefined();
  });
});

describe('write links', () => {
  it('finds the call that last wrote an item by its table and key, from every write shape', () => {
    const links = new WriteLinks((table) => (table === 't' ? ['pk', 'sk'] : undefined));
    const key = { pk: { S: 'ORDER#1' }, sk: { S: 'OUTBOX#9' } };
    links.noteWrites({ TableName: 't', Item: { ...key, data: { S: 'x' } } }, 'put');
    expect(links.writerOf('t', key)).toBe('put');
    links.noteWrites({ TransactItems: [{ Update: { TableName: 't', Key: key } }] }, 'transact');
    expect(links.writerOf('t', key)).toBe('transact');
    links.noteWrites({ RequestItems: { t: [{ DeleteRequest: { Key: key } }] } }, 'batch');
    expect(links.writerOf('t', key)).toBe('batch');
    expect(links.writerOf('t', { pk: { S: 'ORDER#2' }, sk: { S: 'OUTBOX#9' } })).toBeUndefined();
    expect(links.writerOf('other', key)).toBeUndefined();
  });
});

describe('/_local/traces', () => {
  const api = createTracesApi(sampleTrace());
  const get = async (path: string, method = 'GET') => {
    const response = await api.handle({
      method,
      url: new URL(`http://edge${path}`),
      headers: {},
      body: Buffer.alloc(0),
    });
    return {
      status: response.status,
      type: response.headers?.['content-type'],
      body: JSON.parse(String(response.body)),
    };
  };

  it('answers the spans of an id, or OTLP', async () => {
    const spans = await get('/_local/traces/c-1');
    expect(spans.status).toBe(200);
    expect(spans.body.spans).toHaveLength(4);
    const otlp = await get('/_local/traces/c-1?format=otlp');
    expect(otlp.body.resourceSpans).toHaveLength(3);
    expect((await get('/_local/traces')).body).toEqual({ held: 5, recorded: 5 });
  });

  it('refuses a malformed id, an unknown format and a method other than GET with a problem', async () => {
    for (const [path, method, status] of [
      ['/_local/traces/%20bad%20', 'GET', 400],
      ['/_local/traces/c-1?format=xml', 'GET', 400],
      ['/_local/traces/c-1', 'DELETE', 405],
    ] as const) {
      const answer = await get(path, method);
      expect(answer).toMatchObject({ status, type: 'application/problem+json', body: { status } });
    }
  });
});
