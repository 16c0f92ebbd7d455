import { createDevIssuer } from '@shop/auth/dev-issuer';
import type { CheckoutAccepted, Order as OrderDto, OrderPage } from '@shop/contracts/order';
import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { createAuth } from '@shop/platform/http';
import { buildOpenApiDocument } from '@shop/platform/http/openapi';
import { captureOutput, metricValuesOf } from '@shop/platform/observability/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { routes } from '../src/api/routes.ts';
import { checkout, orderIdFor } from '../src/application/checkout.use-case.ts';
import type { CheckoutDeps } from '../src/application/order.deps.ts';
import { createOrderTasks, type OrderTasks } from '../src/application/order.tasks.ts';
import { createIdempotentCheckout } from '../src/infrastructure/checkout-idempotency.ts';
import {
  address,
  cartLine,
  confirmInput,
  depsFor,
  RecordingSagaStarter,
  StubCheckoutView,
  startOrderDb,
  tableOf,
  usd,
} from './order.fixtures.ts';

type Who = 'alice' | 'bob' | 'admin' | 'carol';

let db: TestDynamoDb;
let deps: CheckoutDeps;
let cart: StubCheckoutView;
let sagas: RecordingSagaStarter;
let tasks: OrderTasks;
let app: ReturnType<typeof buildApp>;
const tokens: Record<Who, string> = { alice: '', bob: '', admin: '', carol: '' };

beforeAll(async () => {
  db = await startOrderDb();
  cart = new StubCheckoutView();
  sagas = new RecordingSagaStarter();
  deps = { ...depsFor(db), cartView: cart, sagas };
  tasks = createOrderTasks(deps);
  const issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...deps,
    checkout: createIdempotentCheckout((command) => checkout(deps, command), {
      tableName: tableOf(db),
      client: db.client,
    }),
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  tokens.alice = (
    await issuer.mint({ sub: 'alice', roles: ['customer'], claims: { email: 'alice@example.com' } })
  ).token;
  tokens.bob = (await issuer.mint({ sub: 'bob', roles: ['customer'] })).token;
  tokens.carol = (await issuer.mint({ sub: 'carol', roles: ['customer'] })).token;
  tokens.admin = (await issuer.mint({ sub: 'ops', roles: ['admin'] })).token;
});
afterAll(() => db.stop());

beforeEach(() => {
  cart.down = false;
  cart.carts.set('alice', [cartLine('SKU-1', 2, 1000), cartLine('SKU-2', 1, 1599)]);
  cart.carts.set('bob', [cartLine('SKU-3', 1, 700)]);
});

const body = (overrides: Record<string, unknown> = {}) => ({
  shippingAddress: address,
  paymentMethod: 'pm_card_visa',
  ...overrides,
});

const post = (path: string, who: Who, payload?: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokens[who]}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });

const get = (path: string, who: Who) =>
  app.request(path, { headers: { authorization: `Bearer ${tokens[who]}` } });

const checkoutAs = (who: Who, key: string, payload: unknown = body()) =>
  post('/checkout', who, payload, { 'idempotency-key': key });

const newKey = () => `key-${crypto.randomUUID()}`;

/** A checkout that went through, and its order. */
/** `ConfirmOrder` on a placed order, with the input the saga would give it. */
const confirm = async (orderId: string) => {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  return tasks.confirmOrder(confirmInput(order));
};

const placeOrder = async (who: Who = 'alice') => {
  const response = await checkoutAs(who, newKey());
  expect(response.status).toBe(202);
  return ((await response.json()) as CheckoutAccepted).orderId;
};

describe('POST /checkout', () => {
  it('carries the shopper correlation id into the saga input, and logs and counts the order under it', async () => {
    const key = newKey();
    const {
      result: response,
      logs,
      emf,
    } = await captureOutput(() =>
      post('/checkout', 'alice', body(), { 'idempotency-key': key, 'x-correlation-id': 'dx-corr-0002' }),
    );
    expect(response.status).toBe(202);
    const orderId = orderIdFor('alice', key);
    expect(sagas.checkouts.at(-1)).toMatchObject({ orderId, correlationId: 'dx-corr-0002' });
    expect(logs.find((line) => line.message === 'request')).toMatchObject({
      level: 'INFO',
      method: 'POST',
      path: '/checkout',
      status: 202,
      outcome: 'succeeded',
      correlationId: 'dx-corr-0002',
      orderId,
      durationMs: expect.any(Number),
    });
    for (const line of logs) expect(line.correlationId).toBe('dx-corr-0002');
    const metrics = metricValuesOf(emf);
    expect(metrics.map((m) => [m.name, m.unit])).toEqual([
      ['OrdersPlaced', 'Count'],
      ['CheckoutLatency', 'Milliseconds'],
    ]);
    expect(metrics[0]).toMatchObject({ value: 1, namespace: 'Shop' });
    expect(emf[0]).toMatchObject({ correlationId: 'dx-corr-0002', orderId });
    // A replay of the same key places nothing: it is not counted again.
    const replay = await captureOutput(() =>
      post('/checkout', 'alice', body(), { 'idempotency-key': key, 'x-correlation-id': 'dx-corr-0003' }),
    );
    expect(replay.result.status).toBe(202);
    expect(metricValuesOf(replay.emf).map((m) => m.name)).toEqual(['CheckoutLatency']);
  });

  it('places a PENDING order from the cart, starts its saga and answers 202 with its Location', async () => {
    const key = newKey();
    const response = await checkoutAs('alice', key);
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as CheckoutAccepted;
    expect(accepted).toEqual({ orderId: orderIdFor('alice', key), status: 'PENDING' });
    expect(response.headers.get('location')).toBe(`/orders/${accepted.orderId}`);
    expect(sagas.checkouts.at(-1)).toMatchObject({
      orderId: accepted.orderId,
      customerId: 'alice',
      email: 'alice@example.com',
      paymentMethod: 'pm_card_visa',
      stockLines: [
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-2', quantity: 1 },
      ],
    });

    const order = (await (await get(`/orders/${accepted.orderId}`, 'alice')).json()) as OrderDto;
    expect(order).toMatchObject({
      id: accepted.orderId,
      customerId: 'alice',
      status: 'PENDING',
      email: 'alice@example.com',
      shippingAddress: address,
      paymentMethod: 'pm_card_visa',
      lines: [
        { sku: 'SKU-1', productId: 'prod-SKU-1', quantity: 2, unitPrice: usd(1000), lineTotal: usd(2000) },
        { sku: 'SKU-2', quantity: 1, unitPrice: usd(1599), lineTotal: usd(1599) },
      ],
      // 3599 subtotal: below the 50.00 threshold, so 5.99 shipping; 8% tax = 287.92 -> 288.
      totals: { subtotal: usd(3599), shipping: usd(599), tax: usd(288), total: usd(4486) },
      statusHistory: [{ status: 'PENDING', reason: 'ORDER_PLACED' }],
    });
  });

  it("carries the cart's promotion code into the saga and shows it on the order", async () => {
    cart.promotionCodes.set('carol', 'SUMMER10');
    cart.carts.set('carol', [cartLine('SKU-9', 1, 2000)]);
    try {
      const response = await checkoutAs('carol', newKey());
      expect(response.status).toBe(202);
      const { orderId } = (await response.json()) as { orderId: string };
      expect(sagas.checkouts.at(-1)).toMatchObject({ orderId, promotionCode: 'SUMMER10' });
      const order = (await (await get(`/orders/${orderId}`, 'carol')).json()) as OrderDto;
      expect(order).toMatchObject({ promotionCode: 'SUMMER10', totals: { discount: usd(0) } });
    } finally {
      cart.promotionCodes.delete('carol');
    }
  });

  it("records no email when the customer's token has none", async () => {
    const orderId = await placeOrder('bob');
    expect(sagas.checkouts.at(-1)).not.toHaveProperty('email');
    expect(await (await get(`/orders/${orderId}`, 'bob')).json()).not.toHaveProperty('email');
  });

  it('replays the first response for the same key and body, without a second order or saga', async () => {
    const key = newKey();
    const first = await checkoutAs('alice', key);
    const started = sagas.checkouts.length;
    // The same body with its keys in another order is the same request.
    const second = await checkoutAs('alice', key, {
      paymentMethod: 'pm_card_visa',
      shippingAddress: address,
    });
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(sagas.checkouts.length).toBe(started);
  });

  it('answers 422 to the same key with a different body', async () => {
    const key = newKey();
    expect((await checkoutAs('alice', key)).status).toBe(202);
    const response = await checkoutAs('alice', key, body({ paymentMethod: 'pm_card_declined' }));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'ORDER.IDEMPOTENCY_KEY_REUSED' });
  });

  it('answers 409 to a duplicate sent while the first is in progress, and then replays', async () => {
    const gate = cart.holdNextRead();
    const key = newKey();
    const first = checkoutAs('alice', key);
    // The first checkout holds its idempotency record while it reads the cart.
    await gate.reached;
    const duplicate = await checkoutAs('alice', key);
    gate.release();
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ code: 'ORDER.IDEMPOTENCY_KEY_IN_USE' });
    expect((await first).status).toBe(202);
    expect((await checkoutAs('alice', key)).status).toBe(202);
  });

  it('keeps two customers apart even when they use the same key', async () => {
    const key = newKey();
    const alice = (await (await checkoutAs('alice', key)).json()) as CheckoutAccepted;
    const bob = (await (await checkoutAs('bob', key)).json()) as CheckoutAccepted;
    expect(alice.orderId).not.toBe(bob.orderId);
  });

  it('requires the Idempotency-Key header (400)', async () => {
    const response = await post('/checkout', 'alice', body());
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((error) => error.pointer)).toContain('/header/idempotency-key');
  });

  it('refuses an empty cart (422)', async () => {
    cart.carts.set('carol', []);
    const response = await checkoutAs('carol', newKey());
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'ORDER.CART_EMPTY' });
  });

  it('refuses a card number with a 422 that does not echo it, and stores nothing', async () => {
    const before = sagas.checkouts.length;
    const response = await checkoutAs('alice', newKey(), body({ paymentMethod: '4242 4242 4242 4242' }));
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'PAYMENT.CARD_NUMBER_REFUSED' });
    expect(text).not.toMatch(/4242/);
    expect(sagas.checkouts.length).toBe(before);
  });

  it('refuses a payment method that is not a token (422)', async () => {
    const response = await checkoutAs('alice', newKey(), body({ paymentMethod: 'visa' }));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'ORDER.INVALID_PAYMENT_METHOD' });
  });

  it('validates the shipping address, the country against ISO 3166-1 (400)', async () => {
    const response = await checkoutAs(
      'alice',
      newKey(),
      body({ shippingAddress: { ...address, country: 'XX' } }),
    );
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((error) => error.pointer)).toEqual(['/body/shippingAddress/country']);
  });

  it('answers 503 when the cart is unavailable, and the same key works once it is back', async () => {
    cart.down = true;
    const key = newKey();
    const response = await checkoutAs('alice', key);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'ORDER.CART_UNAVAILABLE' });
    cart.down = false;
    expect((await checkoutAs('alice', key)).status).toBe(202);
  });

  it('looks up an earlier order of the key while the cart is read, and reports a cart error first', async () => {
    const withGet = (get: (orderId: string) => ReturnType<CheckoutDeps['orders']['get']>) =>
      new Proxy(deps.orders, {
        get: (target, name) => {
          if (name === 'get') return get;
          const member: unknown = Reflect.get(target, name, target);
          return typeof member === 'function' ? member.bind(target) : member;
        },
      });
    const lookups: string[] = [];
    const orders = withGet((orderId) => {
      lookups.push(orderId);
      return deps.orders.get(orderId);
    });
    const command = { customerId: 'alice', idempotencyKey: newKey(), body: body(), correlationId: 'c-1' };
    const held = cart.holdNextRead();
    const placing = checkout({ ...deps, orders }, command);
    await held.reached;
    expect(lookups).toEqual([orderIdFor('alice', command.idempotencyKey)]);
    held.release();
    await expect(placing).resolves.toMatchObject({ status: 'PENDING' });

    cart.down = true;
    const tableDown = withGet(() => Promise.reject(new Error('table down')));
    await expect(
      checkout({ ...deps, orders: tableDown }, { ...command, idempotencyKey: newKey() }),
    ).rejects.toMatchObject({ name: 'CartUnavailableError' });
  });

  it('answers a repeated checkout whose order is placed from the order, with the cart emptied or down since', async () => {
    const command = { customerId: 'alice', idempotencyKey: newKey(), body: body(), correlationId: 'c-1' };
    const first = await checkout(deps, command);
    const started = sagas.checkouts.length;
    // The order was confirmed and the cart emptied; the first run's idempotency record is gone.
    cart.carts.set('alice', []);
    await expect(checkout(deps, command)).resolves.toEqual(first);
    cart.down = true;
    await expect(checkout(deps, command)).resolves.toEqual(first);
    // Another body under the same key is still refused; no second saga either way.
    await expect(
      checkout(deps, { ...command, body: body({ paymentMethod: 'pm_card_declined' }) }),
    ).rejects.toMatchObject({ name: 'IdempotencyKeyReusedError' });
    expect(sagas.checkouts.length).toBe(started);
    // Without an order of the key, the cart's errors stand.
    cart.down = false;
    await expect(checkout(deps, { ...command, idempotencyKey: newKey() })).rejects.toMatchObject({
      name: 'CartEmptyError',
    });
  });

  it('is for customers: 401 without a token, 403 for an admin-only token', async () => {
    expect((await app.request('/checkout', { method: 'POST' })).status).toBe(401);
    expect((await checkoutAs('admin', newKey())).status).toBe(403);
  });
});

describe('GET /orders and GET /orders/{orderId}', () => {
  it('shows an order to its owner and an admin, and is a 404 for anyone else', async () => {
    const orderId = await placeOrder('alice');
    expect((await get(`/orders/${orderId}`, 'alice')).status).toBe(200);
    expect((await get(`/orders/${orderId}`, 'admin')).status).toBe(200);
    const stranger = await get(`/orders/${orderId}`, 'bob');
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ code: 'ORDER.NOT_FOUND' });
    expect((await get('/orders/ord_doesnotexist', 'alice')).status).toBe(404);
  });

  it("lists the caller's own orders, newest first, in opaque cursor pages", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await placeOrder('bob'));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await get(`/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`, 'bob');
      expect(response.status).toBe(200);
      const page = (await response.json()) as OrderPage;
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.items.every((order) => order.customerId === 'bob')).toBe(true);
      seen.push(...page.items.map((order) => order.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    for (const id of ids) expect(seen).toContain(id);
    expect(pages).toBeGreaterThanOrEqual(3);
    // Newest first.
    const created = await Promise.all(seen.map(async (id) => (await deps.orders.get(id))?.createdAt ?? ''));
    expect([...created].sort().reverse()).toEqual(created);
    // Alice's list holds none of bob's orders.
    const alice = (await (await get('/orders?limit=100', 'alice')).json()) as OrderPage;
    expect(alice.items.some((order) => ids.includes(order.id))).toBe(false);
  });

  it("refuses a tampered cursor or another customer's cursor (400)", async () => {
    await placeOrder('bob');
    await placeOrder('bob');
    const page = (await (await get('/orders?limit=1', 'bob')).json()) as OrderPage;
    expect(page.nextCursor).toBeDefined();
    const foreign = await get(`/orders?limit=1&cursor=${page.nextCursor}`, 'alice');
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ code: 'ORDER.INVALID_CURSOR' });
    expect((await get('/orders?cursor=not-a-cursor', 'bob')).status).toBe(400);
  });
});

describe('GET /admin/orders?status=', () => {
  it("lists every customer's orders in a status for admins only", async () => {
    const aliceOrder = await placeOrder('alice');
    const bobOrder = await placeOrder('bob');
    await confirm(aliceOrder);
    await confirm(bobOrder);
    const response = await get('/admin/orders?status=CONFIRMED&limit=100', 'admin');
    expect(response.status).toBe(200);
    const page = (await response.json()) as OrderPage;
    const ids = page.items.map((order) => order.id);
    expect(ids).toContain(aliceOrder);
    expect(ids).toContain(bobOrder);
    expect(page.items.every((order) => order.status === 'CONFIRMED')).toBe(true);
    const pending = (await (
      await get('/admin/orders?status=PENDING&limit=100', 'admin')
    ).json()) as OrderPage;
    expect(pending.items.map((order) => order.id)).not.toContain(aliceOrder);
    expect((await get('/admin/orders?status=CONFIRMED', 'alice')).status).toBe(403);
    expect((await get('/admin/orders?status=SHIPPED', 'admin')).status).toBe(400);
  });
});

describe('POST /orders/{orderId}/cancel', () => {
  it('marks a confirmed order CANCELLING, starts the cancel saga and answers 202; a second cancel is 409', async () => {
    const orderId = await placeOrder('alice');
    await confirm(orderId);
    const response = await post(`/orders/${orderId}/cancel`, 'alice', undefined, {
      'x-correlation-id': 'cancel-request-1',
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ id: orderId, status: 'CANCELLING' });
    expect(sagas.cancels.at(-1)).toEqual({
      input: { orderId, reason: 'CANCELLED_BY_CUSTOMER', correlationId: 'cancel-request-1' },
      attempt: 1,
    });
    const again = await post(`/orders/${orderId}/cancel`, 'alice');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'ORDER.NOT_CANCELLABLE' });
  });

  it('lets only one of two concurrent cancels win', async () => {
    const orderId = await placeOrder('alice');
    await confirm(orderId);
    const statuses = await Promise.all([
      post(`/orders/${orderId}/cancel`, 'alice'),
      post(`/orders/${orderId}/cancel`, 'admin'),
    ]).then((responses) => responses.map((r) => r.status).sort());
    expect(statuses).toEqual([202, 409]);
  });

  it('is a 409 for a pending order and a 404 for another customer', async () => {
    const orderId = await placeOrder('alice');
    expect((await post(`/orders/${orderId}/cancel`, 'alice')).status).toBe(409);
    await confirm(orderId);
    expect((await post(`/orders/${orderId}/cancel`, 'bob')).status).toBe(404);
    const byAdmin = await post(`/orders/${orderId}/cancel`, 'admin');
    expect(byAdmin.status).toBe(202);
    expect(sagas.cancels.at(-1)?.input.reason).toBe('CANCELLED_BY_ADMIN');
  });
});

describe('API document', () => {
  it('describes every route with an operation id, tag and problem responses', () => {
    const document = buildOpenApiDocument(routes, { title: 'Shop', version: '1' });
    const paths = document.paths ?? {};
    expect(Object.keys(paths).sort()).toEqual([
      '/admin/orders',
      '/checkout',
      '/orders',
      '/orders/{orderId}',
      '/orders/{orderId}/cancel',
    ]);
    const checkoutOp = paths['/checkout']?.post;
    expect(checkoutOp?.operationId).toBe('checkout');
    expect(checkoutOp?.tags).toEqual(['Order']);
    expect(Object.keys(checkoutOp?.responses ?? {})).toEqual(
      expect.arrayContaining(['202', '400', '401', '409', '422', '503']),
    );
    expect(document.components?.schemas).toHaveProperty('Order');
    expect(document.components?.schemas).toHaveProperty('ShippingAddress');
  });
});
