import { Cart, GuestCartCreated } from '@shop/contracts/cart';
import { CategoryPage, InventoryRecord, Product, ProductPage } from '@shop/contracts/catalog';
import { CheckoutAccepted, Order, OrderPage } from '@shop/contracts/order';
import type { ShopClient } from '@shop/local-cloud/testing';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.ts';
import {
  expectJson,
  expectProblem,
  SAGA_TIMEOUT_MS,
  SHIPPING_ADDRESS,
  type ShopFixtures,
  type Shopper,
  unique,
} from './support/shop-fixtures.ts';
import { useShopStack } from './support/shop-stack.ts';

// One local shop for every journey, on free ports, as `npm start` runs it. Journeys only speak to its
// public API, each with its own customers and, where stock matters, its own SKU.
let api: ShopClient;
let fx: ShopFixtures;

useShopStack((journey) => {
  ({ api, fx } = journey);
});

const cartEmptied = (shopper: Shopper) =>
  eventually(
    'cart emptied by order.confirmed',
    () => fx.cart(shopper),
    (cart) => cart.items.length === 0,
    { timeoutMs: SAGA_TIMEOUT_MS },
  );

describe('happy path', () => {
  it('browses, fills the cart and checks out: order CONFIRMED, stock down, cart emptied, payment CAPTURED', async () => {
    const { sku, productId } = await fx.stockedSku(10, 1250);

    const page = ProductPage.parse(
      expectJson(await api.request('GET', '/products?category=e2e-goods&limit=100'), 200),
    );
    expect(page.items.map((p) => p.id)).toContain(productId);
    const categories = CategoryPage.parse(expectJson(await api.request('GET', '/categories?limit=100'), 200));
    expect(categories.items).toContainEqual(
      expect.objectContaining({ id: 'e2e-goods', name: 'E2e Goods', productCount: expect.any(Number) }),
    );
    const product = Product.parse(expectJson(await api.request('GET', `/products/${productId}`), 200));
    expect(product).toMatchObject({ id: productId, status: 'active', category: 'e2e-goods' });
    expect(product.variants).toEqual([
      expect.objectContaining({ sku, price: { amount: 1250, currency: 'USD' }, available: 10 }),
    ]);

    const buyer = await fx.shopper('buyer');
    const cart = await fx.putInCart(buyer, sku, 3);
    expect(cart.items).toEqual([
      expect.objectContaining({
        sku,
        productId,
        quantity: 3,
        unitPrice: { amount: 1250, currency: 'USD' },
        lineTotal: { amount: 3750, currency: 'USD' },
      }),
    ]);
    expect(cart.subtotal).toEqual({ amount: 3750, currency: 'USD' });

    const orderId = await fx.checkout(buyer);
    const order = await fx.settledOrder(buyer, orderId);
    expect(order).toMatchObject({
      id: orderId,
      customerId: buyer.sub,
      status: 'CONFIRMED',
      paymentMethod: 'pm_card_visa',
      shippingAddress: SHIPPING_ADDRESS,
    });
    expect(order.lines).toEqual([
      expect.objectContaining({ sku, productId, quantity: 3, lineTotal: { amount: 3750, currency: 'USD' } }),
    ]);
    // 37.50 is below the 50.00 free-shipping threshold; tax is 8% of the subtotal.
    expect(order.totals).toEqual({
      subtotal: { amount: 3750, currency: 'USD' },
      discount: { amount: 0, currency: 'USD' },
      shipping: { amount: 599, currency: 'USD' },
      tax: { amount: 300, currency: 'USD' },
      total: { amount: 4649, currency: 'USD' },
    });
    expect(order.statusHistory.map((entry) => entry.status)).toEqual(
      expect.arrayContaining(['PENDING', 'CONFIRMED']),
    );

    expect(await fx.available(sku)).toBe(7);
    const emptied = await cartEmptied(buyer);
    expect(emptied.subtotal).toEqual({ amount: 0, currency: 'USD' });

    const payment = await fx.paymentOnceItIs(buyer, orderId, 'CAPTURED');
    expect(payment).toMatchObject({
      orderId,
      amount: order.totals.total,
      capturedAmount: order.totals.total,
      paymentMethod: 'pm_card_visa',
    });

    const mine = OrderPage.parse(
      expectJson(await api.request('GET', '/orders', { token: buyer.token }), 200),
    );
    expect(mine.items.map((o) => o.id)).toEqual([orderId]);
  });
});

describe('decline', () => {
  it('rejects the order with PAYMENT_DECLINED for pm_card_declined and releases the reserved stock', async () => {
    const { sku } = await fx.stockedSku(5);
    const buyer = await fx.shopper('declined');
    await fx.putInCart(buyer, sku, 2);

    const orderId = await fx.checkout(buyer, 'pm_card_declined');
    const order = await fx.settledOrder(buyer, orderId);
    expect(order).toMatchObject({ status: 'REJECTED', statusReason: 'PAYMENT_DECLINED' });

    expect(await fx.available(sku)).toBe(5);
    const payments = await fx.payments(buyer, orderId);
    expect(payments.map((p) => p.status)).toEqual(['DECLINED']);
    // Nothing was bought, so the cart is kept for another try with another card.
    expect((await fx.cart(buyer)).items).toEqual([expect.objectContaining({ sku, quantity: 2 })]);
  });
});

describe('out of stock', () => {
  it('refuses more units than are in stock in the cart, with a 409 naming what is available', async () => {
    const { sku } = await fx.stockedSku(2);
    const buyer = await fx.shopper('greedy');
    const res = await api.request('PUT', `/cart/items/${sku}`, { token: buyer.token, json: { quantity: 3 } });
    expect(res.status).toBe(409);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'CART.INSUFFICIENT_STOCK', available: 2 });
  });

  it('rejects an order whose stock went away after it was put in the cart: OUT_OF_STOCK, charging nothing', async () => {
    const { sku } = await fx.stockedSku(3);
    const buyer = await fx.shopper('late');
    await fx.putInCart(buyer, sku, 3);
    // Another channel sells two of them before this customer checks out.
    expect(await fx.setOnHand(sku, 1)).toEqual({ sku, onHand: 1, reserved: 0, available: 1 });

    const orderId = await fx.checkout(buyer);
    const order = await fx.settledOrder(buyer, orderId);
    expect(order).toMatchObject({ status: 'REJECTED', statusReason: 'OUT_OF_STOCK' });

    expect(await fx.available(sku)).toBe(1);
    expect(await fx.payments(buyer, orderId)).toEqual([]);
  });
});

describe('flaky card', () => {
  it('retries the transient failures of pm_card_flaky until the payment goes through: CONFIRMED and CAPTURED', async () => {
    const { sku } = await fx.stockedSku(3);
    const buyer = await fx.shopper('flaky');
    await fx.putInCart(buyer, sku, 1);

    const orderId = await fx.checkout(buyer, 'pm_card_flaky');
    const order = await fx.settledOrder(buyer, orderId);
    expect(order).toMatchObject({ status: 'CONFIRMED', paymentMethod: 'pm_card_flaky' });

    const payment = await fx.paymentOnceItIs(buyer, orderId, 'CAPTURED');
    expect(payment).toMatchObject({ amount: order.totals.total, capturedAmount: order.totals.total });
    expect(await fx.available(sku)).toBe(2);
  });
});

describe('concurrent buyers', () => {
  it('sells exactly the 5 units in stock to 30 buyers checking out at once, never overselling', async () => {
    const { sku } = await fx.stockedSku(5);
    const buyers = await Promise.all(Array.from({ length: 30 }, () => fx.shopper('crowd')));
    await Promise.all(buyers.map((buyer) => fx.putInCart(buyer, sku, 1)));

    const seen: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.push(await fx.available(sku));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    let orders: Order[];
    let retried = 0;
    try {
      const placed = await Promise.all(buyers.map((buyer) => fx.checkoutRetrying(buyer)));
      retried = placed.reduce((sum, p) => sum + p.retried, 0);
      orders = await Promise.all(buyers.map((buyer, i) => fx.settledOrder(buyer, placed[i]?.orderId ?? '')));
    } finally {
      watching = false;
      await watcher;
    }
    // The contract allows retrying a 503 with the same key; worth knowing about when it happens.
    if (retried > 0)
      process.stderr.write(`concurrent buyers: ${retried} checkout answers were 503/429 and retried\n`);

    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const rejected = orders.filter((o) => o.status === 'REJECTED');
    expect(confirmed).toHaveLength(5);
    expect(rejected).toHaveLength(25);
    expect(new Set(rejected.map((o) => o.statusReason))).toEqual(new Set(['OUT_OF_STOCK']));
    expect(await fx.available(sku)).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((available) => available >= 0 && available <= 5)).toBe(true);

    // Once every order.confirmed is committed, the 5 units are sold: nothing on hand, nothing reserved.
    const adminToken = await fx.adminToken();
    const settled = await eventually(
      'sale committed',
      () => api.request('PUT', `/inventory/${sku}`, { token: adminToken, json: { onHand: 0 } }),
      (response) => response.status === 200,
      { timeoutMs: SAGA_TIMEOUT_MS },
    );
    expect(InventoryRecord.parse(settled.body)).toEqual({ sku, onHand: 0, reserved: 0, available: 0 });
  }, 45_000);
});

describe('cancel', () => {
  it('cancels a confirmed order: CANCELLED, payment REFUNDED, units back in stock', async () => {
    const { sku } = await fx.stockedSku(4, 3000);
    const buyer = await fx.shopper('regretful');
    await fx.putInCart(buyer, sku, 2);
    const orderId = await fx.checkout(buyer);
    const confirmed = await fx.settledOrder(buyer, orderId);
    expect(confirmed.status).toBe('CONFIRMED');
    expect(await fx.available(sku)).toBe(2);
    // Cancel once the checkout saga has captured and the sale is committed, the usual case: the
    // money is refunded (not voided) and the units go back on hand.
    await fx.paymentOnceItIs(buyer, orderId, 'CAPTURED');
    await cartEmptied(buyer);

    const response = await api.request('POST', `/orders/${orderId}/cancel`, { token: buyer.token });
    const cancelling = Order.parse(expectJson(response, 202));
    expect(cancelling).toMatchObject({ id: orderId, status: 'CANCELLING' });

    const cancelled = await fx.settledOrder(buyer, orderId, 'CANCELLED');
    expect(cancelled.statusReason).toBe('CANCELLED_BY_CUSTOMER');
    expect(await fx.available(sku)).toBe(4);
    const payment = await fx.paymentOnceItIs(buyer, orderId, 'REFUNDED');
    expect(payment).toMatchObject({
      capturedAmount: confirmed.totals.total,
      refundedAmount: confirmed.totals.total,
    });
    // The order learns of the refund from payment.refunded, asynchronously.
    const refunded = await eventually(
      'order records the refund',
      () => fx.order(buyer, orderId),
      (order) => order.refundedAmount !== undefined,
      { timeoutMs: SAGA_TIMEOUT_MS },
    );
    expect(refunded.refundedAmount).toEqual(confirmed.totals.total);

    const again = await api.request('POST', `/orders/${orderId}/cancel`, { token: buyer.token });
    expectProblem(again, 409, 'ORDER.NOT_CANCELLABLE');
  });
});

describe('order emails', () => {
  const mailsTo = (address: string, count: number) =>
    eventually(
      `${count} email(s) to ${address}`,
      () => fx.mailbox(address),
      (items) => items.length >= count,
      { timeoutMs: SAGA_TIMEOUT_MS },
    );

  it('emails the confirmation with the lines and totals, then the cancellation and the refund, once each', async () => {
    const { sku } = await fx.stockedSku(3, 2750);
    const buyer = await fx.shopperWithEmail('mailed');
    await fx.putInCart(buyer, sku, 2);
    const orderId = await fx.checkout(buyer);
    const confirmed = await fx.settledOrder(buyer, orderId);
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', email: buyer.email });

    const [confirmation] = await mailsTo(buyer.email, 1);
    expect(confirmation).toMatchObject({
      to: buyer.email,
      from: 'orders@shop.localhost',
      subject: `Your Shop order ${orderId} is confirmed`,
    });
    expect(confirmation?.text).toContain(`2 x E2E product ${sku} (One size) (${sku}) at $27.50: $55.00`);
    const total = `$${(confirmed.totals.total.amount / 100).toFixed(2)}`;
    expect(confirmation?.text).toContain(total);
    expect(confirmation?.html).toContain(`<strong>${total}</strong>`);

    await fx.paymentOnceItIs(buyer, orderId, 'CAPTURED');
    await cartEmptied(buyer);
    expectJson(await api.request('POST', `/orders/${orderId}/cancel`, { token: buyer.token }), 202);
    await fx.settledOrder(buyer, orderId, 'CANCELLED');

    const mails = await mailsTo(buyer.email, 3);
    expect(mails.map((mail) => mail.subject).sort()).toEqual(
      [
        `A refund of ${total} for your Shop order ${orderId}`,
        `Your Shop order ${orderId} is cancelled`,
        `Your Shop order ${orderId} is confirmed`,
      ].sort(),
    );
    expect(mails.find((mail) => mail.subject.endsWith('is cancelled'))?.text).toContain('as you asked');
  }, 90_000);

  it('emails a declined checkout that it could not be placed, and records no address for a token without one', async () => {
    const { sku } = await fx.stockedSku(2);
    const buyer = await fx.shopperWithEmail('declined');
    await fx.putInCart(buyer, sku, 1);
    const orderId = await fx.checkout(buyer, 'pm_card_declined');
    expect((await fx.settledOrder(buyer, orderId)).status).toBe('REJECTED');
    const [rejection] = await mailsTo(buyer.email, 1);
    expect(rejection?.subject).toBe(`Your Shop order ${orderId} could not be placed`);
    expect(rejection?.text).toContain('your payment method was declined');

    const anonymous = await fx.shopper('no-email');
    await fx.putInCart(anonymous, sku, 1);
    const order = await fx.settledOrder(anonymous, await fx.checkout(anonymous));
    expect(order.email).toBeUndefined();
  }, 60_000);

  it('answers a mailbox query whose address is not one with a 400 problem', async () => {
    expectProblem(await api.request('GET', '/dev/mailbox?to=not-an-address'), 400);
  });
});

describe('idempotent replay', () => {
  it('answers a repeated checkout with the first 202 and one order; the same key with another body is a 422', async () => {
    const { sku } = await fx.stockedSku(5);
    const buyer = await fx.shopper('retrying');
    await fx.putInCart(buyer, sku, 1);
    const key = unique('checkout-key');

    const first = await fx.checkoutRequest(buyer, 'pm_card_visa', key);
    const accepted = CheckoutAccepted.parse(expectJson(first, 202));
    expect(accepted.status).toBe('PENDING');
    const location = first.headers.get('location');
    expect(location).toBe(`/orders/${accepted.orderId}`);

    const replay = await fx.checkoutRequest(buyer, 'pm_card_visa', key);
    expect(expectJson(replay, 202)).toEqual(first.body);
    expect(replay.headers.get('location')).toBe(location);

    const otherBody = await fx.checkoutRequest(buyer, 'pm_card_flaky', key);
    expectProblem(otherBody, 422, 'ORDER.IDEMPOTENCY_KEY_REUSED');

    expect((await fx.settledOrder(buyer, accepted.orderId)).status).toBe('CONFIRMED');
    await cartEmptied(buyer);
    // Even after the cart was emptied, the replay is the first answer, not a new (empty) checkout.
    const lateReplay = await fx.checkoutRequest(buyer, 'pm_card_visa', key);
    expect(expectJson(lateReplay, 202)).toEqual(first.body);
    expect(lateReplay.headers.get('location')).toBe(location);

    const mine = OrderPage.parse(
      expectJson(await api.request('GET', '/orders', { token: buyer.token }), 200),
    );
    expect(mine.items.map((o) => o.id)).toEqual([accepted.orderId]);
    expect(await fx.available(sku)).toBe(4);
  });
});

describe('access control', () => {
  it("hides another customer's order and payments (404, empty list) and refuses to cancel it", async () => {
    const { sku } = await fx.stockedSku(2);
    const owner = await fx.shopper('owner');
    const snoop = await fx.shopper('snoop');
    await fx.putInCart(owner, sku, 1);
    const orderId = await fx.checkout(owner);
    await fx.settledOrder(owner, orderId);

    expectProblem(
      await api.request('GET', `/orders/${orderId}`, { token: snoop.token }),
      404,
      'ORDER.NOT_FOUND',
    );
    expectProblem(
      await api.request('POST', `/orders/${orderId}/cancel`, { token: snoop.token }),
      404,
      'ORDER.NOT_FOUND',
    );
    expect(await fx.payments(snoop, orderId)).toEqual([]);
    const theirs = OrderPage.parse(
      expectJson(await api.request('GET', '/orders', { token: snoop.token }), 200),
    );
    expect(theirs.items).toEqual([]);
    expect((await fx.order(owner, orderId)).status).toBe('CONFIRMED');
  });

  it('answers 401 without a token on /checkout and /orders', async () => {
    const checkout = await api.request('POST', '/checkout', {
      headers: { 'idempotency-key': unique('anonymous') },
      json: { shippingAddress: SHIPPING_ADDRESS, paymentMethod: 'pm_card_visa' },
    });
    for (const response of [
      checkout,
      await api.request('GET', '/orders'),
      await api.request('GET', '/orders/ord_0123456789abcdef01234567'),
    ]) {
      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('answers 403 to a customer creating a product', async () => {
    const customer = await fx.shopper('not-admin');
    const response = await api.request('POST', '/products', {
      token: customer.token,
      json: {
        name: 'Sneaky product',
        category: 'e2e-goods',
        variants: [{ sku: unique('SNEAKY'), name: 'One', price: { amount: 100, currency: 'USD' } }],
      },
    });
    expectProblem(response, 403, 'AUTH.FORBIDDEN');
  });
});

describe('guest cart', () => {
  it('keeps a guest cart by its X-Cart-Token and merges it into the customer cart on sign-in', async () => {
    const { sku: guestSku } = await fx.stockedSku(5, 900);
    const { sku: customerSku } = await fx.stockedSku(5, 1100);

    const opened = await api.request('POST', '/carts');
    const { cartId, cartToken } = GuestCartCreated.parse(expectJson(opened, 201));
    const put = await api.request('PUT', `/cart/items/${guestSku}`, { cartToken, json: { quantity: 2 } });
    const guestCart = Cart.parse(expectJson(put, 200));
    expect(guestCart.id).toBe(cartId);
    expect(guestCart.items).toEqual([expect.objectContaining({ sku: guestSku, quantity: 2 })]);
    const read = Cart.parse(expectJson(await api.request('GET', '/cart', { cartToken }), 200));
    expect(read.items).toEqual(guestCart.items);

    const customer = await fx.shopper('signed-in');
    await fx.putInCart(customer, customerSku, 1);
    const merge = await api.request('POST', '/cart/merge', { token: customer.token, json: { cartToken } });
    const merged = Cart.parse(expectJson(merge, 200));
    const lines = (cart: Cart) => cart.items.map((i) => [i.sku, i.quantity]).sort();
    expect(lines(merged)).toEqual(
      [
        [customerSku, 1],
        [guestSku, 2],
      ].sort(),
    );
    expect(merged.subtotal).toEqual({ amount: 2 * 900 + 1100, currency: 'USD' });
    expect(lines(await fx.cart(customer))).toEqual(lines(merged));

    // The guest cart is gone once merged.
    expectProblem(await api.request('GET', '/cart', { cartToken }), 401, 'CART.UNKNOWN_CART');
  });
});

describe('bad input', () => {
  it('refuses a card number as payment method with a 4xx problem that never echoes it, and places no order', async () => {
    const { sku } = await fx.stockedSku(2);
    const buyer = await fx.shopper('card-number');
    await fx.putInCart(buyer, sku, 1);

    for (const cardNumber of ['4242424242424242', '4242 4242 4242 4242']) {
      const response = await fx.checkoutRequest(buyer, cardNumber);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expectProblem(response, response.status, 'PAYMENT.CARD_NUMBER_REFUSED');
      expect(response.text).not.toMatch(/4242[ -]?4242[ -]?4242[ -]?4242/);
      expect(response.text).not.toContain('4242');
    }
    const mine = OrderPage.parse(
      expectJson(await api.request('GET', '/orders', { token: buyer.token }), 200),
    );
    expect(mine.items).toEqual([]);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const buyer = await fx.shopper('malformed');
    const checkout = await api.request('POST', '/checkout', {
      token: buyer.token,
      headers: { 'idempotency-key': unique('malformed') },
      rawBody: '{"shippingAddress": {"name": "Ada",',
    });
    expectProblem(checkout, 400);
    const cart = await api.request('PUT', '/cart/items/TEE-CLASSIC-M-BLK', {
      token: buyer.token,
      rawBody: '{quantity: 1}',
    });
    expectProblem(cart, 400);
  });

  it('answers a checkout without an Idempotency-Key with a 400 problem pointing at the header', async () => {
    const buyer = await fx.shopper('no-key');
    const response = await api.request('POST', '/checkout', {
      token: buyer.token,
      json: { shippingAddress: SHIPPING_ADDRESS, paymentMethod: 'pm_card_visa' },
    });
    const problem = expectProblem(response, 400, 'REQUEST.INVALID');
    expect(problem.errors?.map((e) => e.pointer.toLowerCase())).toContain('/header/idempotency-key');
  });
});
