import { Cart } from '@shop/contracts/cart';
import { Order } from '@shop/contracts/order';
import { Promotion, PromotionPage } from '@shop/contracts/promotions';
import type { ShopClient } from '@shop/local-cloud/testing';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.ts';
import {
  expectJson,
  expectProblem,
  SAGA_TIMEOUT_MS,
  type ShopFixtures,
  type Shopper,
  unique,
} from './support/shop-fixtures.ts';
import { useShopStack } from './support/shop-stack.ts';

// Promotion codes end to end: the admin API, the cart, the checkout saga's RedeemPromotion and the
// cancel saga's ReleasePromotion, on one local shop as `npm start` runs it.
let api: ShopClient;
let fx: ShopFixtures;

useShopStack((journey) => {
  ({ api, fx } = journey);
});

const usd = (amount: number) => ({ amount, currency: 'USD' });

const createPromotion = async (fields: Record<string, unknown>): Promise<Promotion> => {
  const response = await api.request('POST', '/promotions', { token: await fx.adminToken(), json: fields });
  return Promotion.parse(expectJson(response, 201));
};

const promotionOf = async (code: string): Promise<Promotion> => {
  const token = await fx.adminToken();
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const query = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = PromotionPage.parse(
      expectJson(await api.request('GET', `/promotions${query}`, { token }), 200),
    );
    const found = page.items.find((item) => item.code === code);
    if (found) return found;
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  throw new Error(`promotion ${code} is not listed`);
};

const applyCode = async (shopper: Shopper, code: string): Promise<Cart> =>
  Cart.parse(
    expectJson(await api.request('PUT', '/cart/promotion', { token: shopper.token, json: { code } }), 200),
  );

describe('a discounted checkout and its refund', () => {
  it('applies a code, checks out at the discounted total, and gives the redemption back on cancel', async () => {
    const code = unique('SAVE')
      .replace(/[^A-Za-z0-9_-]/g, '')
      .slice(-24)
      .toUpperCase();
    await createPromotion({ code: code.toLowerCase(), kind: 'percent', value: 20, maxRedemptions: 5 });
    const { sku } = await fx.stockedSku(5, 3000);
    const buyer = await fx.shopper('discounted');
    await fx.putInCart(buyer, sku, 2);

    const cart = await applyCode(buyer, code.toLowerCase());
    expect(cart).toMatchObject({
      subtotal: usd(6000),
      promotion: { code, discount: usd(1200) },
      total: usd(4800),
    });

    const orderId = await fx.checkout(buyer);
    const confirmed = await fx.settledOrder(buyer, orderId);
    expect(confirmed.status).toBe('CONFIRMED');
    expect(confirmed.promotionCode).toBe(code);
    // 60.00 less 20% = 48.00: below the free-shipping threshold, 5.99 shipping, 8% tax of 48.00.
    expect(confirmed.totals).toEqual({
      subtotal: usd(6000),
      discount: usd(1200),
      shipping: usd(599),
      tax: usd(384),
      total: usd(4800 + 599 + 384),
    });
    const captured = await fx.paymentOnceItIs(buyer, orderId, 'CAPTURED');
    expect(captured.capturedAmount).toEqual(confirmed.totals.total);
    expect((await promotionOf(code)).redemptions).toBe(1);
    // The confirmed order emptied the cart, its code included.
    const emptied = await eventually(
      'cart emptied',
      () => fx.cart(buyer),
      (c) => c.items.length === 0,
      {
        timeoutMs: SAGA_TIMEOUT_MS,
      },
    );
    expect(emptied.promotion).toBeNull();

    const cancel = await api.request('POST', `/orders/${orderId}/cancel`, { token: buyer.token });
    expect(Order.parse(expectJson(cancel, 202)).status).toBe('CANCELLING');
    await fx.settledOrder(buyer, orderId, 'CANCELLED');
    const refunded = await fx.paymentOnceItIs(buyer, orderId, 'REFUNDED');
    expect(refunded.refundedAmount).toEqual(confirmed.totals.total);
    expect((await promotionOf(code)).redemptions).toBe(0);
  });

  it('refuses unknown, expired, below-minimum and deactivated codes with their own problems', async () => {
    const { sku } = await fx.stockedSku(5, 1000);
    const shopper = await fx.shopper('refused');
    await fx.putInCart(shopper, sku, 1);
    const put = (code: string) =>
      api.request('PUT', '/cart/promotion', { token: shopper.token, json: { code } });

    expectProblem(await put('NO-SUCH-CODE-E2E'), 404, 'PROMOTION.NOT_FOUND');
    const expired = await createPromotion({
      code: unique('OLD')
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(-24),
      kind: 'percent',
      value: 10,
      startsAt: '2020-01-01T00:00:00.000Z',
      endsAt: '2020-02-01T00:00:00.000Z',
    });
    expectProblem(await put(expired.code), 409, 'PROMOTION.EXPIRED');
    const later = await createPromotion({
      code: unique('LATER')
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(-24),
      kind: 'percent',
      value: 10,
      startsAt: '2099-01-01T00:00:00.000Z',
    });
    expectProblem(await put(later.code), 409, 'PROMOTION.NOT_YET_VALID');
    const big = await createPromotion({
      code: unique('BIG')
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(-24),
      kind: 'amount',
      value: usd(500),
      minSubtotal: usd(5000),
    });
    expectProblem(await put(big.code), 409, 'PROMOTION.BELOW_MINIMUM');

    const offered = await createPromotion({
      code: unique('OFF')
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(-24),
      kind: 'percent',
      value: 10,
    });
    const patched = await api.request('PATCH', `/promotions/${offered.code}`, {
      token: await fx.adminToken(),
      json: { active: false },
    });
    expect(Promotion.parse(expectJson(patched, 200)).active).toBe(false);
    expectProblem(await put(offered.code), 409, 'PROMOTION.INACTIVE');

    const removed = Cart.parse(
      expectJson(await api.request('DELETE', '/cart/promotion', { token: shopper.token }), 200),
    );
    expect(removed).toMatchObject({ promotion: null, total: usd(1000) });
  });
});

describe('ten shoppers, one code good for three orders', () => {
  it('gives exactly three discounted orders; the other seven are rejected with PROMOTION_EXHAUSTED and their stock released', async () => {
    const code = unique('RACE')
      .replace(/[^A-Za-z0-9_-]/g, '')
      .slice(-24)
      .toUpperCase();
    await createPromotion({ code, kind: 'amount', value: usd(500), maxRedemptions: 3 });
    const { sku } = await fx.stockedSku(20, 2000);
    const shoppers = await Promise.all(Array.from({ length: 10 }, () => fx.shopper('racer')));
    for (const shopper of shoppers) {
      await fx.putInCart(shopper, sku, 1);
      expect((await applyCode(shopper, code)).promotion).toEqual({ code, discount: usd(500) });
    }

    const placed = await Promise.all(
      shoppers.map(async (shopper) => ({
        shopper,
        ...(await fx.checkoutRetrying(shopper, 'pm_card_visa', 60_000)),
      })),
    );
    const orders = await Promise.all(
      placed.map(({ shopper, orderId }) => fx.settledOrder(shopper, orderId, undefined, 60_000)),
    );
    const confirmed = orders.filter((order) => order.status === 'CONFIRMED');
    const rejected = orders.filter((order) => order.status === 'REJECTED');
    expect(confirmed).toHaveLength(3);
    expect(rejected).toHaveLength(7);
    for (const order of confirmed) expect(order.totals.discount).toEqual(usd(500));
    for (const order of rejected) expect(order.statusReason).toBe('PROMOTION_EXHAUSTED');
    expect((await promotionOf(code)).redemptions).toBe(3);
    // Only the three confirmed orders keep their unit.
    expect(
      await eventually(
        'stock settles',
        () => fx.available(sku),
        (n) => n === 17,
        { timeoutMs: SAGA_TIMEOUT_MS },
      ),
    ).toBe(17);
  });
});
