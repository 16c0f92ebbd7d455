import { createDevIssuer } from '@shop/auth/dev-issuer';
import type { Payment as PaymentDto } from '@shop/contracts/payment';
import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { createAuth } from '@shop/platform/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import type { PaymentDeps } from '../src/application/payment.deps.ts';
import { createPaymentTasks, type PaymentTasks } from '../src/application/payment.tasks.ts';
import {
  authorizeInput,
  depsFor,
  newOrderId,
  outboxEvents,
  startPaymentDb,
  tableDump,
} from './payment.fixtures.ts';

let db: TestDynamoDb;
let deps: PaymentDeps;
let tasks: PaymentTasks;
let app: ReturnType<typeof buildApp>;
const tokens: Record<'alice' | 'bob' | 'admin' | 'roleless', string> = {
  alice: '',
  bob: '',
  admin: '',
  roleless: '',
};

beforeAll(async () => {
  db = await startPaymentDb();
  deps = depsFor(db);
  tasks = createPaymentTasks(deps);
  const issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...deps,
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  tokens.alice = (await issuer.mint({ sub: 'alice', roles: ['customer'] })).token;
  tokens.bob = (await issuer.mint({ sub: 'bob', roles: ['customer'] })).token;
  tokens.admin = (await issuer.mint({ sub: 'ops', roles: ['admin'] })).token;
  tokens.roleless = (await issuer.mint({ sub: 'carol', roles: [] })).token;
});
afterAll(() => db.stop());

const usd = (amount: number) => ({ amount, currency: 'USD' });

const get = (path: string, who?: keyof typeof tokens) =>
  app.request(path, { headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });

const refund = (paymentId: string, body: unknown, who: keyof typeof tokens = 'admin', headers = {}) =>
  app.request(`/payments/${paymentId}/refund`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokens[who]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const capturedOrder = async (amount = 10_000) => {
  const orderId = newOrderId();
  const { paymentId } = await tasks.authorizePayment(authorizeInput(orderId, { amount: usd(amount) }));
  await tasks.capturePayment({ orderId });
  return { orderId, paymentId };
};

describe('GET /payments?orderId=', () => {
  it("returns the order's payment to its owner", async () => {
    const { orderId, paymentId } = await capturedOrder(2599);
    const response = await get(`/payments?orderId=${orderId}`, 'alice');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: PaymentDto[]; nextCursor?: string };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toEqual({
      id: paymentId,
      orderId,
      amount: usd(2599),
      capturedAmount: usd(2599),
      refundedAmount: usd(0),
      status: 'CAPTURED',
      paymentMethod: 'pm_card_visa',
      providerReference: expect.stringMatching(/^ch_sim_/),
      history: [
        { status: 'PENDING', at: expect.any(String), reason: 'authorization requested' },
        { status: 'AUTHORIZED', at: expect.any(String), reason: 'approved by the provider' },
        { status: 'CAPTURED', at: expect.any(String), reason: 'captured in full' },
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('returns it to an admin', async () => {
    const { orderId, paymentId } = await capturedOrder();
    const body = (await (await get(`/payments?orderId=${orderId}`, 'admin')).json()) as {
      items: PaymentDto[];
    };
    expect(body.items.map((item) => item.id)).toEqual([paymentId]);
  });

  it('shows another customer an empty list, exactly as for an order that does not exist', async () => {
    const { orderId } = await capturedOrder();
    const other = await get(`/payments?orderId=${orderId}`, 'bob');
    const unknown = await get(`/payments?orderId=${newOrderId()}`, 'bob');
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ items: [] });
    expect(await unknown.json()).toEqual({ items: [] });
  });

  it('pages with an opaque cursor and refuses a forged one with a 400', async () => {
    const { orderId } = await capturedOrder();
    const first = (await (await get(`/payments?orderId=${orderId}&limit=1`, 'alice')).json()) as {
      items: unknown[];
      nextCursor?: string;
    };
    expect(first.items).toHaveLength(1);
    const cursor = first.nextCursor ?? '';
    expect(cursor).not.toBe('');
    const second = await get(`/payments?orderId=${orderId}&limit=1&cursor=${cursor}`, 'alice');
    expect(await second.json()).toEqual({ items: [] });
    const foreign = await get(`/payments?orderId=${newOrderId()}&cursor=${cursor}`, 'alice');
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ code: 'PAYMENT.INVALID_CURSOR' });
    const garbage = await get(`/payments?orderId=${orderId}&cursor=not-a-cursor`, 'alice');
    expect(garbage.status).toBe(400);
  });

  it('needs a token, a role and an orderId', async () => {
    expect((await get(`/payments?orderId=${newOrderId()}`)).status).toBe(401);
    expect((await get(`/payments?orderId=${newOrderId()}`, 'roleless')).status).toBe(403);
    const missing = await get('/payments', 'alice');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      code: 'REQUEST.INVALID',
      errors: [{ pointer: '/query/orderId' }],
    });
  });
});

describe('POST /payments/{paymentId}/refund', () => {
  it('refunds in part and then in full, publishing one payment.refunded per refund', async () => {
    const { orderId, paymentId } = await capturedOrder(10_000);
    const partial = await refund(paymentId, { amount: usd(2500), reason: 'damaged item' });
    expect(partial.status).toBe(200);
    expect(await partial.json()).toMatchObject({ status: 'CAPTURED', refundedAmount: usd(2500) });
    const rest = await refund(paymentId, undefined);
    expect(rest.status).toBe(200);
    const body = (await rest.json()) as PaymentDto;
    expect(body).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: usd(10_000),
      capturedAmount: usd(10_000),
    });
    expect(body.history.map((entry) => entry.status)).toEqual([
      'PENDING',
      'AUTHORIZED',
      'CAPTURED',
      'CAPTURED',
      'REFUNDED',
    ]);
    expect(body.history[3]?.reason).toBe('partially refunded 2500 USD minor units: damaged item');
    const refunds = (await outboxEvents(db, orderId)).filter((event) => event.type === 'payment.refunded');
    expect(
      refunds.map((event) => (event.data as { amount: { amount: number } }).amount.amount).sort(),
    ).toEqual([2500, 7500]);
  });

  it('refunds once per Idempotency-Key', async () => {
    const { paymentId } = await capturedOrder(10_000);
    const headers = { 'idempotency-key': 'refund-ticket-42' };
    const first = await refund(paymentId, { amount: usd(1000) }, 'admin', headers);
    const again = await refund(paymentId, { amount: usd(1000) }, 'admin', headers);
    expect(first.status).toBe(200);
    expect(await again.json()).toMatchObject({ refundedAmount: usd(1000) });
  });

  it('answers 409 to a refund beyond the captured amount, even when refunds race', async () => {
    const { paymentId } = await capturedOrder(10_000);
    const statuses = await Promise.all(
      [6000, 6000].map(async (amount) => (await refund(paymentId, { amount: usd(amount) })).status),
    );
    expect(statuses.sort()).toEqual([200, 409]);
    const over = await refund(paymentId, { amount: usd(4001) });
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({ code: 'PAYMENT.REFUND_EXCEEDS_CAPTURED' });
    expect((await refund(paymentId, { amount: usd(4000) })).status).toBe(200);
    const done = await refund(paymentId, undefined);
    expect(done.status).toBe(409);
    expect(await done.json()).toMatchObject({ code: 'PAYMENT.INVALID_TRANSITION' });
  });

  it('answers 409 to a refund before capture, and 404 to an unknown payment', async () => {
    const orderId = newOrderId();
    const { paymentId } = await tasks.authorizePayment(authorizeInput(orderId));
    const early = await refund(paymentId, {});
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'PAYMENT.INVALID_TRANSITION', status: 409 });
    const unknown = await refund(crypto.randomUUID(), {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'PAYMENT.NOT_FOUND' });
  });

  it('is for admins only', async () => {
    const { paymentId } = await capturedOrder();
    expect((await refund(paymentId, {}, 'alice')).status).toBe(403);
    expect((await app.request(`/payments/${paymentId}/refund`, { method: 'POST', body: '{}' })).status).toBe(
      401,
    );
  });

  it('refuses a card number in the reason with PAYMENT.CARD_NUMBER_REFUSED, and stores and echoes nothing', async () => {
    const { paymentId } = await capturedOrder();
    const response = await refund(paymentId, { reason: 'refund to card 4111 1111 1111 1111 please' });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(text)).toMatchObject({
      code: 'PAYMENT.CARD_NUMBER_REFUSED',
      errors: [{ pointer: '/body/reason' }],
    });
    expect(text).not.toMatch(/4111/);
    expect(await tableDump(db)).not.toMatch(/4111/);
  });

  it('refuses an invalid amount with a 400 problem pointing at it', async () => {
    const { paymentId } = await capturedOrder();
    const response = await refund(paymentId, { amount: { amount: 10.5, currency: 'USD' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ pointer: '/body/amount/amount' }] });
    const currency = await refund(paymentId, { amount: { amount: 10, currency: 'EUR' } });
    expect(currency.status).toBe(422);
  });
});
