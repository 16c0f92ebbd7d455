import { availableParallelism } from 'node:os';
import type { ShopClient } from '@shop/local-cloud/testing';
import type { BenchContext } from './bench.context.ts';
import type { BenchStack } from './bench.stack.ts';
import { fixed, type ResultRow, type SectionResult } from './report.ts';
import { checkout, fillCart, prepareStock, waitForOrder } from './shopper.journey.ts';
import { percentile, summarize } from './stats.ts';

const CHECKOUT_BUDGET_P50_MS = 150;

/** Why checkout cannot be measured with these services, or undefined when it can. */
export const checkoutUnavailable = (ctx: BenchContext): string | undefined => {
  const missing = ['order', 'cart', 'catalog', 'payment'].filter(
    (name) => !ctx.services.some((service) => service.name === name),
  );
  return missing.length > 0 ? `not available: ${missing.join(' and ')} service missing` : undefined;
};

interface CheckoutTiming {
  readonly ms: number;
  /** The order's status, or the error that stopped the checkout. */
  readonly status: string;
}

const timedCheckout = async (
  client: ShopClient,
  token: string,
  key: string,
  pollMs: number,
): Promise<CheckoutTiming> => {
  const started = performance.now();
  const startedAt = Date.now();
  try {
    const orderId = await checkout(client, token, key);
    const { status, statusAt } = await waitForOrder(client, token, orderId, pollMs);
    const polled = performance.now() - started;
    // The order's own timestamp of CONFIRMED is exact; the poll that saw it is up to one interval late.
    return {
      ms: statusAt !== undefined ? Math.min(polled, Math.max(0, statusAt - startedAt)) : polled,
      status,
    };
  } catch (error) {
    return {
      ms: performance.now() - started,
      status: error instanceof Error ? error.message : String(error),
    };
  }
};

const unavailableResult = (reason: string): SectionResult => ({
  rows: [
    {
      section: '4',
      figure: 'checkout end to end',
      median: '',
      spread: '',
      budget: 'p50 < 150 ms',
      verdict: '',
      notes: reason,
    },
  ],
  findings: [`Checkout end to end: ${reason}.`],
  explanation: `**4. Checkout end to end, local.** ${reason}.`,
});

/**
 * Section 4: checkouts through the gateway of the running stack, from POST /checkout to CONFIRMED
 * (polling GET /orders/{id}), one after another and then all at once.
 */
export const runCheckoutSection = async (ctx: BenchContext, bench: BenchStack): Promise<SectionResult> => {
  const unavailable = checkoutUnavailable(ctx);
  if (unavailable) return unavailableResult(unavailable);
  const sequential = ctx.quick ? 10 : 30;
  const concurrent = ctx.quick ? 10 : 20;
  // As many warm-up checkouts as the concurrent run has, so that it finds its environments warm.
  const warmUp = concurrent;
  const { client } = bench;
  // Each shopper buys a different product where the catalog has enough: checkouts of one hot SKU
  // conflict in DynamoDB (transaction conflicts, retried by the saga after a backoff).
  const { skus } = await prepareStock(client, concurrent);
  const skuOf = (i: number) => skus[i % skus.length] ?? '';
  const customers = await Promise.all(
    Array.from({ length: sequential + concurrent + warmUp }, (_, i) => client.tokenFor(`bench-shopper-${i}`)),
  );
  const run = `${Date.now().toString(36)}`;

  ctx.progress(`checkout: ${warmUp} warm-up, ${sequential} sequential, ${concurrent} concurrent`);
  for (let i = 0; i < 3; i += 1) {
    const token = customers[i] ?? '';
    await fillCart(client, token, skuOf(i));
    await timedCheckout(client, token, `bench-${run}-warm-${i}`, 5);
  }
  // The cart empties itself on order.confirmed, asynchronously: let that happen before refilling.
  await bench.settle();
  // Lambda keeps an environment per concurrent request: an untimed burst creates them, as traffic would.
  await Promise.all(
    customers.slice(0, warmUp).map(async (token, i) => {
      await fillCart(client, token, skuOf(i));
      await timedCheckout(client, token, `bench-${run}-burst-${i}`, 10);
    }),
  );
  await bench.settle();

  const sequentialTimings: CheckoutTiming[] = [];
  for (let i = 0; i < sequential; i += 1) {
    const token = customers[warmUp + i] ?? '';
    await fillCart(client, token, skuOf(i));
    sequentialTimings.push(await timedCheckout(client, token, `bench-${run}-seq-${i}`, 5));
  }
  await bench.settle();

  const concurrentTokens = customers.slice(warmUp + sequential);
  for (const [i, token] of concurrentTokens.entries()) await fillCart(client, token, skuOf(i));
  const burstMark = bench.invocations.length;
  const burstStarted = performance.now();
  const concurrentTimings = await Promise.all(
    // Polled every 25 ms: twenty shoppers polling every few ms would be most of the load on two cores.
    concurrentTokens.map((token, i) => timedCheckout(client, token, `bench-${run}-par-${i}`, 25)),
  );
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  await bench.settle();
  const failedInBurst = bench.invocations.slice(burstMark).filter((i) => !i.ok);

  const rows: ResultRow[] = [];
  const findings: string[] = [];
  const describe = (label: string, timings: readonly CheckoutTiming[], ordersPerSecond: number) => {
    const ms = timings.map((t) => t.ms);
    const summary = summarize(ms);
    const failed = timings.filter((t) => t.status !== 'CONFIRMED');
    const notConfirmed = failed.length;
    const p95 = percentile(ms, 95);
    const p99 = percentile(ms, 99);
    const over = summary.median >= CHECKOUT_BUDGET_P50_MS;
    rows.push({
      section: '4',
      figure: `checkout to CONFIRMED, ${label}`,
      median: `${fixed(summary.median)} ms`,
      spread: `p95 ${fixed(p95)}, p99 ${fixed(p99)}`,
      budget: `p50 < ${CHECKOUT_BUDGET_P50_MS} ms`,
      verdict: over ? 'OVER' : 'ok',
      notes: `${timings.length} orders, ${fixed(ordersPerSecond, 1)} orders/s; p25–p75 ${fixed(summary.p25)}–${fixed(summary.p75)}${notConfirmed ? `; ${notConfirmed} not CONFIRMED` : ''}`,
    });
    if (over) {
      findings.push(
        `Checkout (${label}) p50 is ${fixed(summary.median)} ms, over the ${CHECKOUT_BUDGET_P50_MS} ms budget (p95 ${fixed(p95)} ms); see the saga's per-task durations in the cost section's detail.`,
      );
    }
    if (notConfirmed > 0) {
      const reasons = [...new Set(failed.map((t) => t.status.slice(0, 200)))].join('; ');
      findings.push(
        `Checkout (${label}): ${notConfirmed} of ${timings.length} orders did not reach CONFIRMED (${reasons}).`,
      );
    }
  };
  const sequentialSeconds = sequentialTimings.reduce((total, t) => total + t.ms, 0) / 1000;
  const sequentialRate = sequential / sequentialSeconds;
  const concurrentRate = concurrent / burstSeconds;
  describe('sequential', sequentialTimings, sequentialRate);
  describe(`${concurrent} concurrent`, concurrentTimings, concurrentRate);
  if (concurrentRate < sequentialRate * 1.5) {
    findings.push(
      `The concurrent checkouts do not raise throughput over sequential ones (${fixed(concurrentRate, 1)} vs ${fixed(sequentialRate, 1)} orders/s): the whole stack (gateway, Lambda workers, saga engine, DynamoDB Local's JVM) shares this machine's ${availableParallelism()} cores, so ${concurrent} checkouts at once mostly queue for CPU; their latency measures this machine's capacity more than the code.`,
    );
  }
  if (failedInBurst.length > 0) {
    const byFunction = new Map<string, number>();
    for (const i of failedInBurst) byFunction.set(i.functionName, (byFunction.get(i.functionName) ?? 0) + 1);
    findings.push(
      `During the concurrent checkouts ${failedInBurst.length} invocations failed and were retried by the saga or the queue (${[...byFunction].map(([n, c]) => `${n} ${c}`).join(', ')}); each retry waits out the saga's backoff (1 s and up).`,
    );
  }
  return {
    rows,
    findings,
    explanation: `**4. Checkout end to end, local.** On the running stack (\`startLocalStack\` on free ports, seeded), each shopper gets a dev token and one unit of a seeded SKU in their cart (stock is set high first; shoppers spread over ${skus.length} products, since concurrent checkouts of a single SKU conflict in DynamoDB and are retried after the saga's backoff), then the clock runs from \`POST /checkout\` until the order is CONFIRMED: \`GET /orders/{id}\` is polled (every 5 ms; every 25 ms in the concurrent run, where faster polling by twenty shoppers would itself load the two cores) until it leaves PENDING, and the time is taken from the order's own status history (the \`at\` of its CONFIRMED entry, same machine clock), so the polling interval does not blur it. Untimed checkouts warm the functions first: 3 one after another, then ${warmUp} at once (Lambda keeps one environment per concurrent request, so the concurrent run finds warm ones as steady traffic would). Sequential: ${sequential} checkouts one after another (orders/s = orders over the summed checkout times). Concurrent: ${concurrent} checkouts started at once (orders/s = orders over the wall time of the burst). The polling requests are part of the load.`,
  };
};
