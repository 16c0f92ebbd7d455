import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ShopClient } from '@shop/local-cloud/testing';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.ts';
import { SAGA_TIMEOUT_MS, type ShopFixtures } from './support/shop-fixtures.ts';
import { REPO_ROOT, type ShopStack, useShopStack } from './support/shop-stack.ts';

const run = promisify(execFile);

let shop: ShopStack;
let api: ShopClient;
let fx: ShopFixtures;

useShopStack((journey) => {
  ({ shop, api, fx } = journey);
});

interface JsonSpan {
  readonly id: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly kind: string;
  readonly service: string | null;
  readonly function: string | null;
  readonly start: string;
  readonly durationMs: number | null;
  readonly status: string;
  readonly correlationId: string | null;
  readonly orderId: string | null;
}

/** `npm run local -- <args>` against this stack's edge, as a second terminal runs it. */
const local = async (...args: string[]): Promise<string> => {
  const { stdout } = await run(
    process.execPath,
    [join(REPO_ROOT, 'packages/local-cloud/src/cli/main.ts'), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_ENDPOINT_URL: shop.stack.edgeUrl },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout;
};

describe('one order, followed', () => {
  it('a checkout with x-correlation-id yields one trace across the four services, every span carrying both ids', async () => {
    const { sku } = await fx.stockedSku(5, 1999);
    const buyer = await fx.shopper('traced');
    await fx.putInCart(buyer, sku, 2);
    const correlationId = `trace-${randomUUID()}`;
    const response = await api.request('POST', '/checkout', {
      token: buyer.token,
      headers: { 'idempotency-key': randomUUID(), 'x-correlation-id': correlationId },
      json: {
        shippingAddress: {
          name: 'Ada',
          line1: '1 Main St',
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
        },
        paymentMethod: 'pm_card_visa',
      },
    });
    expect(response.status).toBe(202);
    const { orderId } = response.body as { orderId: string };

    // The trace is whole once the cart's order.confirmed consumer has run.
    const spans = await eventually(
      'the trace reaches the cart consumer',
      async () => JSON.parse(await local('trace', orderId, '--json')) as JsonSpan[],
      (found) =>
        found.some((span) => span.name === 'cart-order-confirmed' && span.kind === 'invocation') &&
        found.every((span) => span.status !== 'running'),
      { timeoutMs: SAGA_TIMEOUT_MS },
    );

    expect(spans.length).toBeGreaterThanOrEqual(10);
    for (const span of spans) {
      expect(span, `${span.kind} ${span.name}`).toMatchObject({ correlationId, orderId });
      expect(Number.isNaN(Date.parse(span.start))).toBe(false);
      expect(span.durationMs).toBeGreaterThanOrEqual(0);
    }
    const services = new Set(spans.map((span) => span.service));
    for (const service of ['catalog', 'cart', 'order', 'payment']) expect(services).toContain(service);
    const states = spans.filter((span) => span.kind === 'state').map((span) => span.name);
    for (const state of ['ReserveStock', 'AuthorizePayment', 'ConfirmOrder', 'CapturePayment']) {
      expect(states).toContain(state);
    }
    // One trace: a single root (the gateway request), every other span's parent in the trace.
    const ids = new Set(spans.map((span) => span.id));
    const roots = spans.filter((span) => span.parentId === null || !ids.has(span.parentId));
    expect(roots.map((span) => `${span.kind} ${span.name}`)).toEqual(['request POST /checkout']);
    // The hops are there: the saga under the order function's StartExecution, each task's invocation
    // under its state, the outbox relay under the stream record, the consumer under its queue.
    const byId = new Map(spans.map((span) => [span.id, span]));
    const parentOf = (span: JsonSpan) => (span.parentId ? byId.get(span.parentId) : undefined);
    const execution = spans.find((span) => span.kind === 'execution');
    expect(parentOf(execution as JsonSpan)?.name).toBe('StepFunctions.StartExecution');
    const confirm = spans.find((span) => span.kind === 'state' && span.name === 'ConfirmOrder') as JsonSpan;
    expect(spans.some((span) => span.kind === 'invocation' && span.parentId === confirm.id)).toBe(true);
    const relay = spans.find((span) => span.kind === 'invocation' && /outbox-relay/.test(span.name));
    expect(parentOf(relay as JsonSpan)?.kind).toBe('stream');
    const cartConsumer = spans.find(
      (span) => span.kind === 'invocation' && span.name === 'cart-order-confirmed',
    ) as JsonSpan;
    expect(cartConsumer).toMatchObject({ service: 'cart', status: 'ok' });
    expect(parentOf(cartConsumer)).toMatchObject({ kind: 'queue' });
    expect(parentOf(parentOf(cartConsumer) as JsonSpan)?.name).toMatch(/^SQS\.SendMessage(Batch)?$/);

    // The same trace by correlation id, and as a tree.
    const byCorrelation = JSON.parse(await local('trace', correlationId, '--json')) as JsonSpan[];
    expect(new Set(byCorrelation.map((span) => span.id))).toEqual(ids);
    const tree = await local('trace', orderId);
    expect(tree).toContain('request POST /checkout');
    expect(tree).toMatch(/state ReserveStock/);

    // OTLP/JSON, as Jaeger and Tempo import it: a resource per service, hex ids, the same spans.
    const file = join(await mkdtemp(join(tmpdir(), 'shop-otlp-')), 'trace.json');
    await local('trace', orderId, '--otlp', file);
    const otlp = JSON.parse(await readFile(file, 'utf8')) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: {
          spans: {
            traceId: string;
            spanId: string;
            parentSpanId?: string;
            startTimeUnixNano: string;
            endTimeUnixNano: string;
          }[];
        }[];
      }[];
    };
    const otlpSpans = otlp.resourceSpans.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) => scope.spans),
    );
    expect(new Set(otlpSpans.map((span) => span.spanId))).toEqual(ids);
    for (const span of otlpSpans) {
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano)).toBe(true);
    }
    expect(new Set(otlpSpans.map((span) => span.traceId)).size).toBe(1);
    const serviceNames = otlp.resourceSpans.map(
      (resource) => resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
    );
    expect(serviceNames).toEqual(
      expect.arrayContaining(['shop-order', 'shop-cart', 'shop-catalog', 'shop-payment']),
    );

    // Metrics: whatever EMF the functions printed is what `metrics --json` counts (read after the
    // log, so it may count more that arrived in between, never less).
    const logged = [...shop.logLines];
    const metrics = JSON.parse(await local('metrics', '--json')) as {
      name: string;
      unit: string;
      dimensions: Record<string, string>;
      count: number;
      sum: number;
      p50: number;
      p95: number;
    }[];
    const printed = new Map<string, number>();
    for (const line of logged) {
      const emf =
        /^\[[a-z0-9-]+\] (\{"_aws".*)$/.exec(line)?.[1] ?? (line.startsWith('{"_aws"') ? line : undefined);
      if (!emf) continue;
      const document = JSON.parse(emf) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
      };
      for (const directive of document._aws.CloudWatchMetrics) {
        for (const { Name } of directive.Metrics) {
          const value = document[Name];
          printed.set(Name, (printed.get(Name) ?? 0) + (Array.isArray(value) ? value.length : 1));
        }
      }
    }
    const collected = new Map<string, number>();
    for (const metric of metrics) {
      expect(metric).toEqual({
        name: expect.any(String),
        unit: expect.any(String),
        dimensions: expect.any(Object),
        count: expect.any(Number),
        sum: expect.any(Number),
        p50: expect.any(Number),
        p95: expect.any(Number),
        namespace: expect.any(String),
      });
      collected.set(metric.name, (collected.get(metric.name) ?? 0) + metric.count);
    }
    for (const [name, count] of printed) expect(collected.get(name) ?? 0, name).toBeGreaterThanOrEqual(count);
    // Services that record OrdersConfirmed (Powertools Metrics, namespace Shop) count this order.
    if (printed.has('OrdersConfirmed')) expect(collected.get('OrdersConfirmed')).toBeGreaterThanOrEqual(1);
  });

  it("shows a state's retries: a flaky card's failed attempts under AuthorizePayment, then the one that worked", async () => {
    const { sku } = await fx.stockedSku(5, 1500);
    const buyer = await fx.shopper('traced-flaky');
    await fx.putInCart(buyer, sku, 1);
    const orderId = await fx.checkout(buyer, 'pm_card_flaky');
    const spans = await eventually(
      'the flaky checkout settles',
      async () =>
        JSON.parse(await local('trace', orderId, '--json')) as (JsonSpan & {
          attributes: Record<string, unknown>;
        })[],
      (found) => found.some((span) => span.kind === 'execution' && span.status !== 'running'),
      { timeoutMs: SAGA_TIMEOUT_MS },
    );
    const authorize = spans.find((span) => span.kind === 'state' && span.name === 'AuthorizePayment');
    expect(authorize).toMatchObject({ status: 'ok', orderId });
    const attempts = spans.filter((span) => span.kind === 'invocation' && span.parentId === authorize?.id);
    expect(Number(authorize?.attributes.retries)).toBe(attempts.length - 1);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.at(-1)?.status).toBe('ok');
    expect(attempts.slice(0, -1).every((span) => span.status === 'error')).toBe(true);
    expect(await local('trace', orderId)).toMatch(/state AuthorizePayment \[order\] {2}\(\d+ retr(y|ies)\)/);
  });
});
