import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { CheckoutAccepted } from '@shop/contracts/order';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import type { ShopFixtures, Shopper } from './support/shop-fixtures.ts';
import { type AcceptedOrder, ShopInvariants } from './support/shop-invariants.ts';
import { type ShopStack, useShopStack } from './support/shop-stack.ts';

let shop: ShopStack;
let fx: ShopFixtures;
let invariants: ShopInvariants;

useShopStack((journey) => {
  ({ shop, fx } = journey);
  invariants = ShopInvariants.of(fx, shop.stack);
});

afterAll(() => {
  invariants?.close();
});

/** Keeps every core busy with other work, as a build or a browser would, until stopped. */
const busyCores = (): { stop: () => void } => {
  const burners: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  return {
    stop: () => {
      for (const burner of burners) burner.kill('SIGKILL');
    },
  };
};

const BUYERS = 50;
const BURST_DEADLINE_MS = 180_000;

/**
 * One buyer's checkout as a client following the API's contract does: a 429 or 503 is retried with
 * the same Idempotency-Key after its Retry-After. Every answer's status is recorded.
 */
const checkoutFollowingRetryAfter = async (
  shopper: Shopper,
  statuses: number[],
  missingRetryAfter: string[],
): Promise<string> => {
  const key = randomUUID();
  const deadline = Date.now() + BURST_DEADLINE_MS;
  for (;;) {
    const response = await fx.checkoutRequest(shopper, 'pm_card_visa', key);
    statuses.push(response.status);
    if (response.status === 202) return CheckoutAccepted.parse(response.body).orderId;
    if ((response.status !== 429 && response.status !== 503) || Date.now() > deadline) {
      throw new Error(`checkout answered ${response.status}: ${response.text.slice(0, 500)}`);
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    if (!(retryAfter >= 1)) missingRetryAfter.push(`${response.status} ${response.path}`);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(retryAfter, 1) * 1000 * (0.5 + Math.random())),
    );
  }
};

describe('a burst of checkouts on a busy machine', () => {
  it(`answers ${BUYERS} concurrent checkouts with 202 or a retryable 429/503, never a 502/504, and settles every order`, async () => {
    const { sku } = await fx.stockedSku(BUYERS + 10);
    const buyers = await Promise.all(Array.from({ length: BUYERS }, () => fx.shopper('burst')));
    for (let i = 0; i < buyers.length; i += 10) {
      await Promise.all(buyers.slice(i, i + 10).map((buyer) => fx.putInCart(buyer, sku, 1)));
    }

    const from = shop.logLines.length;
    onTestFailed(() => {
      const failures = shop.logLines.slice(from).filter((line) => /"status":5\d\d|rror|timed out/.test(line));
      process.stderr.write(
        `\n--- failures logged during the burst (${failures.length}) ---\n${failures.slice(-80).join('\n')}\n`,
      );
    });
    const statuses: number[] = [];
    const missingRetryAfter: string[] = [];
    const load = busyCores();
    let accepted: AcceptedOrder[];
    try {
      const orderIds = await Promise.all(
        buyers.map((buyer) => checkoutFollowingRetryAfter(buyer, statuses, missingRetryAfter)),
      );
      accepted = orderIds.map((orderId, i) => ({ orderId, shopper: buyers[i] as Shopper }));
      await Promise.all(
        accepted.map(({ shopper, orderId }) =>
          fx.settledOrder(shopper, orderId, undefined, BURST_DEADLINE_MS),
        ),
      );
    } finally {
      load.stop();
    }

    const counts: Record<number, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    process.stderr.write(
      `burst of ${BUYERS} checkouts on busy cores, answers by status: ${JSON.stringify(counts)}\n`,
    );
    expect(
      Object.keys(counts)
        .map(Number)
        .filter((status) => ![202, 429, 503].includes(status)),
    ).toEqual([]);
    expect(counts[202]).toBe(BUYERS);
    expect(missingRetryAfter).toEqual([]);

    const report = await invariants.settle(accepted, [{ sku, initialOnHand: BUYERS + 10 }]);
    expect(report.violations).toEqual([]);
    expect(report.orders.filter((order) => order.status === 'CONFIRMED')).toHaveLength(BUYERS);
  }, 420_000);
});
