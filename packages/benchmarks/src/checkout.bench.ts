import { availableParallelism } from 'node:os';
import type { ShopClient } from '@shop/local-cloud/testing';
import type { BenchContext } from './bench.context.ts';
import type { BenchStack } from './bench.stack.ts';
import { readCpu } from './cpu.meter.ts';
import { fixed, type ResultRow, type SectionResult, type Verdict } from './report.ts';
import { checkout, fillCart, prepareStock, waitForOrder } from './shopper.journey.ts';
import { percentile } from './stats.ts';

const CHECKOUT_BUDGET_P50_MS = 150;
/** The concurrency curve: shoppers checking out at once, each one order after another. */
export const CONCURRENCY_LEVELS = [1, 2, 5, 10, 20] as const;
/** At the highest level, at least this multiple of the orders/s of one shopper at a time. */
const THROUGHPUT_GAIN_BUDGET = 1.2;
/** At the highest level, CPU per order at most this multiple of CPU per order with one shopper. */
const CPU_GROWTH_BUDGET = 1.2;
/** Every shopper polls its order this often, at every level, so that polling is the same work per poll. */
const POLL_MS = 25;

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
  /** GET /orders/{id} requests until the order left PENDING. */
  readonly polls: number;
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
    const { status, statusAt, polls } = await waitForOrder(client, token, orderId, pollMs);
    const polled = performance.now() - started;
    // The order's own timestamp of CONFIRMED is exact; the poll that saw it is up to one interval late.
    return {
      ms: statusAt !== undefined ? Math.min(polled, Math.max(0, statusAt - startedAt)) : polled,
      status,
      polls,
    };
  } catch (error) {
    return {
      ms: performance.now() - started,
      status: error instanceof Error ? error.message : String(error),
      polls: 0,
    };
  }
};

const unavailableResult = (reason: string): SectionResult => ({
  rows: [
    {
      section: '4',
      figure: 'checkout to CONFIRMED',
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

/** One level of the curve: `shoppers` closed loops, each checking out one order after another. */
interface LevelResult {
  readonly shoppers: number;
  readonly timings: readonly CheckoutTiming[];
  readonly seconds: number;
  /** CPU ms over the level and until its consumers went quiet: the bench process (stack and shoppers). */
  readonly nodeCpuMs: number;
  /** Of which the functions' own (their environment threads, as the Lambda host reports per invocation). */
  readonly functionCpuMs: number;
  /** Of which the main thread's: gateway, edge, Lambda host, saga engine, pollers, the shoppers' client. */
  readonly mainThreadCpuMs: number;
  /** Execution environments started during the level. */
  readonly coldStarts: number;
  readonly jvmCpuMs: number | undefined;
  readonly invocations: number;
  readonly failedInvocations: ReadonlyMap<string, number>;
}

const coldStartsOf = (bench: BenchStack): number =>
  bench.stack.host.functions().reduce((total, fn) => total + fn.coldStarts, 0);

const ordersPerSecond = (level: LevelResult): number => level.timings.length / level.seconds;
const perOrder = (level: LevelResult, ms: number | undefined): number =>
  ms === undefined ? Number.NaN : ms / level.timings.length;

/**
 * Section 4: checkouts through the gateway of the running stack, from POST /checkout to CONFIRMED
 * (polling GET /orders/{id}), at 1, 2, 5, 10 and 20 shoppers at once, with the CPU time each order
 * cost the Node process (gateway, Lambda host and its workers, saga engine, pollers, the shoppers'
 * client) and DynamoDB Local's JVM.
 */
export const runCheckoutSection = async (ctx: BenchContext, bench: BenchStack): Promise<SectionResult> => {
  const unavailable = checkoutUnavailable(ctx);
  if (unavailable) return unavailableResult(unavailable);
  const ordersPerLevel = ctx.quick ? 20 : 40;
  const highest = CONCURRENCY_LEVELS[CONCURRENCY_LEVELS.length - 1] ?? 1;
  // As many warm-up checkouts as the highest level has shoppers, so that it finds its environments warm.
  const warmUp = highest;
  const { client } = bench;
  // Each shopper buys a different product where the catalog has enough: checkouts of one hot SKU
  // conflict in DynamoDB (transaction conflicts, retried by the saga after a backoff).
  const { skus } = await prepareStock(client, highest);
  const skuOf = (i: number) => skus[i % skus.length] ?? '';
  const levelOrders = CONCURRENCY_LEVELS.map((shoppers) => Math.max(ordersPerLevel, shoppers));
  const total = warmUp + levelOrders.reduce((a, b) => a + b, 0);
  const customers = await Promise.all(
    Array.from({ length: total }, (_, i) => client.tokenFor(`bench-shopper-${i}`)),
  );
  const run = `${Date.now().toString(36)}`;

  ctx.progress(
    `checkout: ${warmUp} warm-up, then ${CONCURRENCY_LEVELS.map((n, i) => `${levelOrders[i]} orders by ${n}`).join(', ')}`,
  );
  for (let i = 0; i < 3; i += 1) {
    const token = customers[i] ?? '';
    await fillCart(client, token, skuOf(i));
    await timedCheckout(client, token, `bench-${run}-warm-${i}`, POLL_MS);
  }
  // The cart empties itself on order.confirmed, asynchronously: let that happen before refilling.
  await bench.settle();
  // Lambda keeps an environment per concurrent request: an untimed burst creates them, as traffic would.
  await Promise.all(
    customers.slice(0, warmUp).map(async (token, i) => {
      await fillCart(client, token, skuOf(i));
      await timedCheckout(client, token, `bench-${run}-burst-${i}`, POLL_MS);
    }),
  );
  await bench.settle();
  const idle = await idleCpu(bench, ctx.quick ? 2_000 : 4_000);

  const levels: LevelResult[] = [];
  let next = warmUp;
  for (const [index, shoppers] of CONCURRENCY_LEVELS.entries()) {
    const orders = levelOrders[index] ?? shoppers;
    const tokens = customers.slice(next, next + orders);
    next += orders;
    // Carts are filled first, untimed and outside the CPU count: the curve measures checkouts.
    for (const [i, token] of tokens.entries()) await fillCart(client, token, skuOf(i));
    await bench.settle();
    const mark = bench.invocations.length;
    const coldStartsBefore = coldStartsOf(bench);
    const before = readCpu(bench.dynamoDbPid);
    const started = performance.now();
    const timings: CheckoutTiming[] = [];
    let taken = 0;
    await Promise.all(
      Array.from({ length: shoppers }, async () => {
        while (taken < tokens.length) {
          const i = taken;
          taken += 1;
          timings.push(
            await timedCheckout(client, tokens[i] ?? '', `bench-${run}-c${shoppers}-${i}`, POLL_MS),
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    // What each order set off after CONFIRMED (outbox relays, consumers) is part of its cost.
    await bench.settle();
    const after = readCpu(bench.dynamoDbPid);
    const invocations = bench.invocations.slice(mark);
    const failedInvocations = new Map<string, number>();
    for (const i of invocations) {
      if (!i.ok) failedInvocations.set(i.functionName, (failedInvocations.get(i.functionName) ?? 0) + 1);
    }
    levels.push({
      shoppers,
      timings,
      seconds,
      nodeCpuMs: after.nodeMs - before.nodeMs,
      functionCpuMs: invocations.reduce((sum, i) => sum + (i.cpuMs ?? 0), 0),
      mainThreadCpuMs: after.threadMs - before.threadMs,
      coldStarts: coldStartsOf(bench) - coldStartsBefore,
      jvmCpuMs:
        after.otherMs !== undefined && before.otherMs !== undefined
          ? after.otherMs - before.otherMs
          : undefined,
      invocations: invocations.length,
      failedInvocations,
    });
    const level = levels[levels.length - 1] as LevelResult;
    ctx.progress(
      `checkout: ${shoppers} shopper(s): ${fixed(orders / seconds, 1)} orders/s, p50 ${fixed(p50Of(level), 0)} ms; CPU per order: Node ${fixed(perOrder(level, level.nodeCpuMs), 0)} ms (main thread ${fixed(perOrder(level, level.mainThreadCpuMs), 0)}, functions ${fixed(perOrder(level, level.functionCpuMs), 0)}), JVM ${fixed(perOrder(level, level.jvmCpuMs), 0)} ms; ${level.coldStarts} cold starts`,
    );
  }
  return curveResult(levels, idle, skus.length, warmUp);
};

/** CPU ms per second the stack uses with no shopper at all (its pollers and timers), Node and JVM. */
interface IdleCpu {
  readonly nodeMsPerSecond: number;
  readonly jvmMsPerSecond: number;
}

const idleCpu = async (bench: BenchStack, ms: number): Promise<IdleCpu> => {
  const before = readCpu(bench.dynamoDbPid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = readCpu(bench.dynamoDbPid);
  const seconds = (performance.now() - started) / 1000;
  return {
    nodeMsPerSecond: (after.nodeMs - before.nodeMs) / seconds,
    jvmMsPerSecond: ((after.otherMs ?? Number.NaN) - (before.otherMs ?? Number.NaN)) / seconds,
  };
};

const curveOf = (levels: readonly LevelResult[], value: (level: LevelResult) => number, digits = 1) =>
  levels.map((level) => fixed(value(level), digits)).join(' · ');

const p50Of = (level: LevelResult) =>
  percentile(
    level.timings.map((t) => t.ms),
    50,
  );
const p95Of = (level: LevelResult) =>
  percentile(
    level.timings.map((t) => t.ms),
    95,
  );

const curveResult = (
  levels: readonly LevelResult[],
  idle: IdleCpu,
  products: number,
  warmUp: number,
): SectionResult => {
  const first = levels[0];
  const last = levels[levels.length - 1];
  if (!first || !last) return unavailableResult('no level ran');
  const shoppers = levels.map((l) => l.shoppers).join(' · ');
  const rows: ResultRow[] = [];
  const findings: string[] = [];
  const row = (figure: string, median: string, budget: string, verdict: Verdict, notes: string) =>
    rows.push({ section: '4', figure, median, spread: `at ${shoppers} shoppers`, budget, verdict, notes });

  const p50 = p50Of(first);
  const latencyOver = p50 >= CHECKOUT_BUDGET_P50_MS;
  row(
    'checkout to CONFIRMED, p50 (ms)',
    curveOf(levels, p50Of, 0),
    `p50 < ${CHECKOUT_BUDGET_P50_MS} ms at 1`,
    latencyOver ? 'OVER' : 'ok',
    `${levels.map((l) => `${l.timings.length}`).join(' · ')} orders; polls per order ${curveOf(
      levels,
      (l) => l.timings.reduce((t, x) => t + x.polls, 0) / l.timings.length,
    )}`,
  );
  row('checkout to CONFIRMED, p95 (ms)', curveOf(levels, p95Of, 0), '', '', '');
  const gain = ordersPerSecond(last) / ordersPerSecond(first);
  const gainOver = !(gain >= THROUGHPUT_GAIN_BUDGET);
  row(
    'checkout orders/s',
    curveOf(levels, ordersPerSecond),
    `at ${last.shoppers} ≥ ${THROUGHPUT_GAIN_BUDGET}× at 1`,
    gainOver ? 'OVER' : 'ok',
    `${fixed(gain, 2)}× at ${last.shoppers}; orders over the wall time of the level`,
  );
  const nodeGrowth = perOrder(last, last.nodeCpuMs) / perOrder(first, first.nodeCpuMs);
  const nodeOver = !(nodeGrowth <= CPU_GROWTH_BUDGET);
  row(
    'checkout CPU per order, Node (ms)',
    curveOf(levels, (l) => perOrder(l, l.nodeCpuMs), 0),
    `at ${last.shoppers} ≤ ${CPU_GROWTH_BUDGET}× at 1`,
    nodeOver ? 'OVER' : 'ok',
    `${fixed(nodeGrowth, 2)}× at ${last.shoppers}; idle stack ${fixed(idle.nodeMsPerSecond, 0)} ms/s; of which the functions' own ${curveOf(levels, (l) => perOrder(l, l.functionCpuMs), 0)}, the main thread's ${curveOf(levels, (l) => perOrder(l, l.mainThreadCpuMs), 0)}; cold starts ${curveOf(levels, (l) => l.coldStarts, 0)}; invocations per order ${curveOf(levels, (l) => l.invocations / l.timings.length)}`,
  );
  const jvmGrowth = perOrder(last, last.jvmCpuMs) / perOrder(first, first.jvmCpuMs);
  const jvmMeasured = Number.isFinite(jvmGrowth);
  const jvmOver = jvmMeasured && !(jvmGrowth <= CPU_GROWTH_BUDGET);
  row(
    'checkout CPU per order, DynamoDB Local JVM (ms)',
    curveOf(levels, (l) => perOrder(l, l.jvmCpuMs), 0),
    `at ${last.shoppers} ≤ ${CPU_GROWTH_BUDGET}× at 1`,
    jvmMeasured ? (jvmOver ? 'OVER' : 'ok') : '',
    jvmMeasured
      ? `${fixed(jvmGrowth, 2)}× at ${last.shoppers}; idle ${fixed(idle.jvmMsPerSecond, 0)} ms/s`
      : 'not measured: no /proc stat for its process',
  );

  if (latencyOver) {
    findings.push(
      `Checkout with one shopper: p50 ${fixed(p50, 0)} ms, over the ${CHECKOUT_BUDGET_P50_MS} ms budget (p95 ${fixed(p95Of(first), 0)} ms); see the saga's per-task durations in the cost section's detail.`,
    );
  }
  if (gainOver) {
    // What one shopper already keeps busy: orders/s times the CPU each costs, in cores.
    const cores = availableParallelism();
    const cpuPerOrder = perOrder(first, first.nodeCpuMs) + perOrder(first, first.jvmCpuMs);
    const busyCores = (ordersPerSecond(first) * cpuPerOrder) / 1000;
    findings.push(
      `Throughput at ${last.shoppers} shoppers is ${fixed(gain, 2)}× that of one shopper (${fixed(ordersPerSecond(last), 1)} vs ${fixed(ordersPerSecond(first), 1)} orders/s; budget ≥ ${THROUGHPUT_GAIN_BUDGET}×): the whole stack (gateway, Lambda workers, saga engine, DynamoDB Local's JVM) shares this machine's ${cores} cores; CPU per order shows whether the extra load is extra work or only queueing. One shopper already keeps ${fixed(busyCores, 2)} of the ${cores} cores busy (${fixed(ordersPerSecond(first), 1)} orders/s at ${fixed(cpuPerOrder, 0)} ms of CPU each, Node and JVM), so at that CPU per order no number of shoppers can do more than ${fixed(cores / busyCores, 2)}× its rate: the gain comes only from less CPU per order, and a faster single shopper lowers the ratio. Of that CPU, a profile of the function environments (\`node --cpu-prof packages/benchmarks/src/main.ts --sections=checkout\`, one profile per thread) puts the AWS SDK's own work first (middleware, serialisation, signing: about a third), then garbage collection, module compilation at cold starts, zod and the logger.`,
    );
  }
  if (nodeOver || jvmOver) {
    findings.push(
      `CPU per order grows with the load: Node ${fixed(perOrder(first, first.nodeCpuMs), 0)} → ${fixed(perOrder(last, last.nodeCpuMs), 0)} ms (${fixed(nodeGrowth, 2)}×), DynamoDB Local ${fixed(perOrder(first, first.jvmCpuMs), 0)} → ${fixed(perOrder(last, last.jvmCpuMs), 0)} ms (${fixed(jvmGrowth, 2)}×), from 1 to ${last.shoppers} shoppers (budget ≤ ${CPU_GROWTH_BUDGET}×).`,
    );
  }
  for (const level of levels) {
    const failed = level.timings.filter((t) => t.status !== 'CONFIRMED');
    if (failed.length > 0) {
      const reasons = [...new Set(failed.map((t) => t.status.slice(0, 200)))].join('; ');
      findings.push(
        `Checkout at ${level.shoppers} shopper(s): ${failed.length} of ${level.timings.length} orders did not reach CONFIRMED (${reasons}).`,
      );
    }
    if (level.failedInvocations.size > 0) {
      const count = [...level.failedInvocations.values()].reduce((a, b) => a + b, 0);
      findings.push(
        `At ${level.shoppers} shopper(s) ${count} invocations failed and were retried by the saga or the queue (${[...level.failedInvocations].map(([n, c]) => `${n} ${c}`).join(', ')}); each retry waits out the saga's backoff (1 s and up).`,
      );
    }
  }
  return {
    rows,
    findings,
    explanation: `**4. Checkout end to end, local, and the concurrency curve.** On the running stack (\`startLocalStack\` on free ports, seeded), each shopper gets a dev token and one unit of a seeded SKU in their cart (stock is set high first; shoppers spread over ${products} products, since concurrent checkouts of a single SKU conflict in DynamoDB and are retried after the saga's backoff), then the clock runs from \`POST /checkout\` until the order is CONFIRMED: \`GET /orders/{id}\` is polled every ${POLL_MS} ms (at every level, so a poll is the same work everywhere; slower orders need more polls, which the p50 row's notes count) until it leaves PENDING, and the time is taken from the order's own status history (the \`at\` of its CONFIRMED entry, same machine clock), so the polling interval does not blur it. Untimed checkouts warm the functions first: 3 one after another, then ${warmUp} at once (Lambda keeps one environment per concurrent request, so every level finds warm ones as steady traffic would). Each level of the curve (${shoppers} shoppers) runs that many shoppers at once, each checking out one order after another until the level's ${levels.map((l) => l.timings.length).join(' · ')} orders are placed (every order by a new customer whose cart was filled before the level, untimed); orders/s is the level's orders over its wall time. CPU per order is the CPU time used from the level's start until the stack was quiet again (what each order set off after CONFIRMED, outbox relays and consumers, included), over the level's orders: for Node, \`process.cpuUsage()\` of the bench process, which holds the whole stack (gateway, Lambda host and its worker threads, saga engine, pollers) and the shoppers' own HTTP client, plus any child process; the functions' share is the sum of their invocations' CPU time as the Lambda host measures it on each environment thread, the main thread's is \`process.threadCpuUsage()\` (gateway, edge, Lambda host, saga engine, pollers, the shoppers' client), and the rest is the other threads' (the environments' own work between invocations, V8's compiler and garbage collector threads); for DynamoDB Local, utime + stime of its JVM from \`/proc/<pid>/stat\`. Part of it is the stack's idle cost, which the longer low-concurrency levels pay for longer: measured before the levels with no shopper at all, the stack used ${fixed(idle.nodeMsPerSecond, 0)} ms of Node CPU and ${fixed(idle.jvmMsPerSecond, 0)} ms of JVM CPU per second (event source pollers, timers). The polling requests are part of the load.`,
  };
};
