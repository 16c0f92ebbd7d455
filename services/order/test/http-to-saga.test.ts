import { SFNClient } from '@aws-sdk/client-sfn';
import { createDevIssuer } from '@shop/auth/dev-issuer';
import type { CheckoutAccepted, Order as OrderDto } from '@shop/contracts/order';
import { startEdge } from '@shop/local-cloud';
import {
  createStepFunctionsEdgeHandler,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestDynamoDb,
} from '@shop/local-cloud/testing';
import { createAuth } from '@shop/platform/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { checkout } from '../src/application/checkout.use-case.ts';
import type { CheckoutDeps } from '../src/application/order.deps.ts';
import { createOrderTasks } from '../src/application/order.tasks.ts';
import { createIdempotentCheckout } from '../src/infrastructure/checkout-idempotency.ts';
import { SfnSagaStarter } from '../src/infrastructure/sfn-saga.starter.ts';
import { address, cartLine, depsFor, StubCheckoutView, startOrderDb, tableOf } from './order.fixtures.ts';
import { SagaWorld, startSagas } from './saga.harness.ts';

let db: TestDynamoDb;
let world: SagaWorld;
let sagas: Awaited<ReturnType<typeof startSagas>>;
let edge: Awaited<ReturnType<typeof startEdge>>;
let sfn: SFNClient;
let starter: SfnSagaStarter;
let app: ReturnType<typeof buildApp>;
let token = '';

beforeAll(async () => {
  db = await startOrderDb();
  const base = depsFor(db);
  world = new SagaWorld(createOrderTasks(base));
  world.stock.set('SKU-E2E', { available: 100, price: 1500 });
  sagas = await startSagas(world);
  edge = await startEdge([createStepFunctionsEdgeHandler(sagas.emulator)]);
  sfn = new SFNClient({ endpoint: edge.url, region: TEST_REGION, credentials: TEST_CREDENTIALS });
  starter = new SfnSagaStarter({
    client: sfn,
    checkoutStateMachineArn: sagas.checkoutArn,
    cancelStateMachineArn: sagas.cancelArn,
  });
  const cart = new StubCheckoutView();
  cart.carts.set('alice', [cartLine('SKU-E2E', 3, 1000)]);
  const deps: CheckoutDeps = { ...base, cartView: cart, sagas: starter };
  const issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...deps,
    checkout: createIdempotentCheckout((command) => checkout(deps, command), {
      tableName: tableOf(db),
      client: db.client,
    }),
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  token = (await issuer.mint({ sub: 'alice', roles: ['customer'] })).token;
});
afterAll(async () => {
  sfn.destroy();
  await edge.close();
  await sagas.emulator.close();
  await db.stop();
});

const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const orderOf = async (orderId: string): Promise<OrderDto> =>
  (await (await request('GET', `/orders/${orderId}`)).json()) as OrderDto;

/** Polls the order until it reaches the status (the saga runs in the background, as in AWS). */
const eventually = async (orderId: string, status: string): Promise<OrderDto> => {
  await expect
    .poll(async () => (await orderOf(orderId)).status, { timeout: 10_000, interval: 20 })
    .toBe(status);
  return orderOf(orderId);
};

describe('checkout and cancel through the Step Functions API', () => {
  it('checks out over HTTP, the saga confirms the order, and a cancel refunds and cancels it', async () => {
    const response = await request(
      'POST',
      '/checkout',
      { shippingAddress: address, paymentMethod: 'pm_card_visa' },
      { 'idempotency-key': 'e2e-1' },
    );
    expect(response.status).toBe(202);
    const { orderId } = (await response.json()) as CheckoutAccepted;
    const confirmed = await eventually(orderId, 'CONFIRMED');
    // 3 x 15.00 at the catalog's price: 45.00 + 5.99 shipping + 3.60 tax.
    expect(confirmed.totals.total).toEqual({ amount: 4500 + 599 + 360, currency: 'USD' });
    const execution = await sagas.emulator.waitForExecution(
      sagas.emulator.executionArn('order-checkout', orderId),
      10_000,
    );
    expect(execution.status).toBe('SUCCEEDED');

    const cancel = await request('POST', `/orders/${orderId}/cancel`);
    expect(cancel.status).toBe(202);
    const cancelled = await eventually(orderId, 'CANCELLED');
    expect(cancelled.statusReason).toBe('CANCELLED_BY_CUSTOMER');
    expect(cancelled.statusHistory.map((entry) => entry.status)).toEqual([
      'PENDING',
      'PENDING',
      'CONFIRMED',
      'CANCELLING',
      'CANCELLED',
    ]);
    expect(world.payments.get(orderId)?.status).toBe('REFUNDED');
  });

  it('treats a start of an execution that already exists as done', async () => {
    const checkoutInput = {
      orderId: 'ord_already',
      customerId: 'alice',
      paymentMethod: 'pm_card_visa',
      lines: [],
      stockLines: [],
    };
    // The first start runs (and fails fast on its invalid input); the second finds the name taken.
    await starter.startCheckout(checkoutInput as never);
    await sagas.emulator.waitForExecution(
      sagas.emulator.executionArn('order-checkout', 'ord_already'),
      10_000,
    );
    await expect(
      starter.startCheckout({ ...checkoutInput, customerId: 'bob' } as never),
    ).resolves.toBeUndefined();
  });
});
