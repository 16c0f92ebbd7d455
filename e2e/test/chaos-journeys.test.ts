import { FaultSpec, type FaultSpecInput } from '@shop/local-cloud';
import type { ShopClient } from '@shop/local-cloud/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { expectJson, SAGA_TIMEOUT_MS, type ShopFixtures, type Shopper } from './support/shop-fixtures.ts';
import { type AcceptedOrder, ShopInvariants } from './support/shop-invariants.ts';
import { type ShopStack, useShopStack } from './support/shop-stack.ts';

// Failure journeys: each breaks one part of the running shop on purpose (as `npm run local -- fault`
// does), sends concurrent checkouts and cancels through it, then heals it and checks that nothing
// was lost, doubled, stuck or oversold.
let shop: ShopStack;
let api: ShopClient;
let fx: ShopFixtures;
let invariants: ShopInvariants;

useShopStack(
  (journey) => {
    ({ shop, api, fx } = journey);
    invariants = ShopInvariants.of(fx, shop.stack);
  },
  { beforeEachJourney: ({ shop }) => shop.stack.faults.clear(), logTail: 300 },
);

afterAll(() => {
  invariants?.close();
});

/** How the buyers of a journey pay: most succeed, one is declined, one needs retries. */
const PAYMENT_METHODS = [
  'pm_card_visa',
  'pm_card_visa',
  'pm_card_declined',
  'pm_card_flaky',
  'pm_card_visa',
  'pm_card_visa',
];
const STOCK = 5;
/** Long enough for a saga that retries through injected faults (timeouts cost a whole function timeout). */
const CHAOS_SETTLE_MS = 90_000;

interface JourneyOptions {
  readonly faults: readonly FaultSpecInput[];
  /** Crashed HTTP functions answer 502: the buyers then retry with their Idempotency-Key. */
  readonly retryServerErrors?: boolean;
  /** Something to do while the checkouts run (kill environments, say); stopped when they settle. */
  readonly meanwhile?: (signal: AbortSignal) => Promise<void>;
}

/**
 * Six buyers for five units check out at once under the faults; the first confirmed order is then
 * cancelled; the faults are cleared and every invariant must hold.
 */
const journeyUnderFaults = async ({ faults, meanwhile, retryServerErrors = false }: JourneyOptions) => {
  const { sku } = await fx.stockedSku(STOCK);
  const buyers: Shopper[] = await Promise.all(PAYMENT_METHODS.map(() => fx.shopper('chaos')));
  await Promise.all(buyers.map((buyer) => fx.putInCart(buyer, sku, 1)));

  const added = faults.map((spec) => shop.stack.faults.add(FaultSpec.parse(spec)));
  const stop = new AbortController();
  const background = meanwhile?.(stop.signal);
  const accepted: AcceptedOrder[] = [];
  try {
    const placed = await Promise.all(
      buyers.map((buyer, i) =>
        fx.checkoutRetrying(buyer, PAYMENT_METHODS[i], CHAOS_SETTLE_MS, { retryServerErrors }),
      ),
    );
    placed.forEach(({ orderId }, i) => {
      const shopper = buyers[i];
      if (shopper) accepted.push({ orderId, shopper });
    });
    const settled = await Promise.all(
      accepted.map(({ shopper, orderId }) => fx.settledOrder(shopper, orderId, undefined, CHAOS_SETTLE_MS)),
    );
    const confirmed = settled.find((order) => order.status === 'CONFIRMED');
    const owner = accepted.find((a) => a.orderId === confirmed?.id)?.shopper;
    if (confirmed && owner) {
      await fx.paymentOnceItIs(owner, confirmed.id, 'CAPTURED', CHAOS_SETTLE_MS);
      const cancelling = await api.request('POST', `/orders/${confirmed.id}/cancel`, { token: owner.token });
      expect([202, 409]).toContain(cancelling.status);
      if (cancelling.status === 202) expectJson(cancelling, 202);
      await fx.settledOrder(owner, confirmed.id, undefined, CHAOS_SETTLE_MS);
    }
  } finally {
    stop.abort();
    await background;
  }
  // What each fault did, read before it is cleared: a journey proves something only if they struck.
  const struck = shop.stack.faults.list().filter((fault) => added.some((a) => a.id === fault.id));
  shop.stack.faults.clear();

  const report = await invariants.settle(accepted, [{ sku, initialOnHand: STOCK }], SAGA_TIMEOUT_MS * 2);
  expect(report.violations).toEqual([]);
  expect(report.orders).toHaveLength(PAYMENT_METHODS.length);
  return { report, struck };
};

describe('failure journeys: the invariants hold whatever breaks', () => {
  it.each<[string, FaultSpecInput[]]>([
    [
      'reserving stock fails transiently half the time',
      [{ kind: 'function-error', function: 'catalog-reserve-stock', errorType: 'TransientError', rate: 0.5 }],
    ],
    ['the payment table throttles', [{ kind: 'table-throttle', table: 'shop-payment', rate: 0.3 }]],
    [
      'every event is delivered twice and handled events come back',
      [
        { kind: 'queue-duplicate', queue: 'cart-order-confirmed', rate: 1 },
        { kind: 'queue-duplicate', queue: 'catalog-commit-stock', rate: 1 },
        { kind: 'queue-redeliver', queue: 'catalog-commit-stock', rate: 1 },
        { kind: 'queue-redeliver', queue: 'order-payment-refunded', rate: 1 },
      ],
    ],
  ])(
    '%s',
    async (_name, faults) => {
      const { struck } = await journeyUnderFaults({ faults });
      expect(struck.map((fault) => fault.hits).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    },
    240_000,
  );

  it('a payment authorization whose answer is lost (the function timed out after charging)', async () => {
    const { struck } = await journeyUnderFaults({
      // Six buyers, each authorization checked at least once: at 0.6 the chance that none is hit is 0.4%.
      faults: [{ kind: 'function-timeout', function: 'payment-authorize-payment', rate: 0.6 }],
    });
    expect(struck[0]?.hits).toBeGreaterThan(0);
  }, 240_000);

  it('execution environments are killed while the checkouts run', async () => {
    let kills = 0;
    await journeyUnderFaults({
      faults: [],
      retryServerErrors: true,
      meanwhile: async (signal) => {
        const victims = [
          'order-confirm-order',
          'catalog-reserve-stock',
          'payment-capture-payment',
          'order-http',
        ];
        while (!signal.aborted && kills < 40) {
          await new Promise((resolve) => setTimeout(resolve, 150));
          for (const name of victims) kills += await shop.stack.host.killEnvironments(name);
        }
      },
    });
    expect(kills).toBeGreaterThan(0);
  }, 240_000);
});
