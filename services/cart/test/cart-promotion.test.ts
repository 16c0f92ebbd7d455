import { createDevIssuer, type DevIssuer } from '@shop/auth/dev-issuer';
import { PROBLEM_CONTENT_TYPE } from '@shop/contracts';
import { Cart, GuestCartCreated } from '@shop/contracts/cart';
import { createAuth } from '@shop/platform/http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { createCheckoutViewFunction } from '../src/application/checkout-view.use-case.ts';
import {
  type CartTestEnv,
  productChange,
  startCartTestEnv,
  uniqueId,
  uniqueSku,
} from './cart-test.fixture.ts';

vi.stubEnv('LOG_LEVEL', 'SILENT');

let t: CartTestEnv;
let issuer: DevIssuer;
let app: ReturnType<typeof buildApp>;
let TEE: string;
const usd = (amount: number) => ({ amount, currency: 'USD' });

beforeAll(async () => {
  t = await startCartTestEnv();
  issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...t.deps,
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  TEE = uniqueSku('TEE');
  await t.publish(productChange('prd-promo-tee', [{ sku: TEE, price: 2000 }]));
  t.promotions.codes.set('TEN', { code: 'TEN', kind: 'percent', value: 10 });
  t.promotions.codes.set('FIVE-OFF', {
    code: 'FIVE-OFF',
    kind: 'amount',
    value: usd(500),
    minSubtotal: usd(3000),
  });
  t.promotions.codes.set('OLD', { refused: 'EXPIRED' });
  t.promotions.codes.set('SOON', { refused: 'NOT_YET_VALID' });
  t.promotions.codes.set('GONE', { refused: 'EXHAUSTED' });
});
afterAll(() => t.stop());

const call = (
  method: string,
  path: string,
  options: { token?: string; cartToken?: string; body?: unknown } = {},
) =>
  app.request(path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.cartToken ? { 'x-cart-token': options.cartToken } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });

const cartOf = async (response: Response): Promise<Cart> => {
  expect(response.status).toBe(200);
  return Cart.parse(await response.json());
};

const expectProblem = async (response: Response, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  expect(await response.json()).toMatchObject({ status, code });
};

const customer = async () => {
  const sub = uniqueId('shopper');
  return { sub, token: (await issuer.mint({ sub, roles: ['customer'] })).token };
};

describe('PUT /cart/promotion', () => {
  it('applies a code in any case: the cart shows it with its discount and the total after it', async () => {
    const { token, sub } = await customer();
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 2 } });
    const cart = await cartOf(await call('PUT', '/cart/promotion', { token, body: { code: 'ten' } }));
    expect(cart).toMatchObject({
      subtotal: usd(4000),
      promotion: { code: 'TEN', discount: usd(400) },
      total: usd(3600),
    });
    expect(t.promotions.calls.at(-1)).toEqual({ code: 'TEN', subtotal: usd(4000), customerId: sub });
    // The discount follows the lines without asking the promotions service again.
    const calls = t.promotions.calls.length;
    const after = await cartOf(await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 3 } }));
    expect(after).toMatchObject({ promotion: { code: 'TEN', discount: usd(600) }, total: usd(5400) });
    expect(t.promotions.calls.length).toBe(calls);
  });

  it('answers 404 for an unknown code and a 409 with its own code for each refusal, changing nothing', async () => {
    const { token } = await customer();
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 1 } });
    await expectProblem(
      await call('PUT', '/cart/promotion', { token, body: { code: 'NOPE' } }),
      404,
      'PROMOTION.NOT_FOUND',
    );
    await expectProblem(
      await call('PUT', '/cart/promotion', { token, body: { code: 'OLD' } }),
      409,
      'PROMOTION.EXPIRED',
    );
    await expectProblem(
      await call('PUT', '/cart/promotion', { token, body: { code: 'SOON' } }),
      409,
      'PROMOTION.NOT_YET_VALID',
    );
    await expectProblem(
      await call('PUT', '/cart/promotion', { token, body: { code: 'GONE' } }),
      409,
      'PROMOTION.EXHAUSTED',
    );
    await expectProblem(
      await call('PUT', '/cart/promotion', { token, body: { code: 'FIVE-OFF' } }),
      409,
      'PROMOTION.BELOW_MINIMUM',
    );
    await expectProblem(
      await call('PUT', '/cart/promotion', { token, body: { code: 'x' } }),
      400,
      'REQUEST.INVALID',
    );
    expect(await cartOf(await call('GET', '/cart', { token }))).toMatchObject({
      promotion: null,
      total: usd(2000),
    });
  });

  it('needs a cart with lines (409 CART.EMPTY) and answers 503 when promotions cannot be asked', async () => {
    const { token } = await customer();
    await expectProblem(
      await call('PUT', '/cart/promotion', { token, body: { code: 'TEN' } }),
      409,
      'CART.EMPTY',
    );
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 1 } });
    t.promotions.down = true;
    try {
      await expectProblem(
        await call('PUT', '/cart/promotion', { token, body: { code: 'TEN' } }),
        503,
        'CART.PROMOTIONS_UNAVAILABLE',
      );
    } finally {
      t.promotions.down = false;
    }
  });

  it('shows a zero discount once the subtotal falls below the minimum', async () => {
    const { token } = await customer();
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 2 } });
    await cartOf(await call('PUT', '/cart/promotion', { token, body: { code: 'FIVE-OFF' } }));
    const cart = await cartOf(await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 1 } }));
    expect(cart).toMatchObject({ promotion: { code: 'FIVE-OFF', discount: usd(0) }, total: usd(2000) });
  });

  it('works for a guest cart, and the code comes along when the guest cart is merged', async () => {
    const guest = GuestCartCreated.parse(await (await call('POST', '/carts')).json());
    await call('PUT', `/cart/items/${TEE}`, { cartToken: guest.cartToken, body: { quantity: 1 } });
    const cart = await cartOf(
      await call('PUT', '/cart/promotion', { cartToken: guest.cartToken, body: { code: 'TEN' } }),
    );
    expect(cart.promotion).toEqual({ code: 'TEN', discount: usd(200) });
    expect(t.promotions.calls.at(-1)).not.toHaveProperty('customerId');
    const { token } = await customer();
    const merged = await cartOf(
      await call('POST', '/cart/merge', { token, body: { cartToken: guest.cartToken } }),
    );
    expect(merged.promotion).toEqual({ code: 'TEN', discount: usd(200) });
  });
});

describe('DELETE /cart/promotion, checkout and the confirmed order', () => {
  it('removes the code; the checkout view carries it; an order confirmed for the cart clears it', async () => {
    const { token, sub } = await customer();
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 1 } });
    await cartOf(await call('PUT', '/cart/promotion', { token, body: { code: 'TEN' } }));
    const checkoutView = createCheckoutViewFunction(t.deps);
    expect(await checkoutView({ customerId: sub })).toMatchObject({ promotionCode: 'TEN' });

    const removed = await cartOf(await call('DELETE', '/cart/promotion', { token }));
    expect(removed).toMatchObject({ promotion: null, total: usd(2000) });
    expect(await checkoutView({ customerId: sub })).not.toHaveProperty('promotionCode');

    await cartOf(await call('PUT', '/cart/promotion', { token, body: { code: 'TEN' } }));
    await t.deps.carts.emptyForOrder(sub, uniqueId('ord'), new Date());
    expect(await cartOf(await call('GET', '/cart', { token }))).toMatchObject({ items: [], promotion: null });
  });
});
