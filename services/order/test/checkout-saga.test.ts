import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDeps } from '../src/application/order.deps.ts';
import { createOrderTasks } from '../src/application/order.tasks.ts';
import { placeOrder, requestCancellation } from '../src/domain/order.entity.ts';
import { cancelExecutionName } from '../src/infrastructure/sfn-saga.starter.ts';
import { cartLine, depsFor, outboxEvents, sagaInput, startOrderDb, usd } from './order.fixtures.ts';
import { SagaWorld, startSagas } from './saga.harness.ts';

let db: TestDynamoDb;
let deps: OrderDeps;
let world: SagaWorld;
let sagas: Awaited<ReturnType<typeof startSagas>>;

beforeAll(async () => {
  db = await startOrderDb();
  deps = depsFor(db);
  world = new SagaWorld(createOrderTasks(deps));
  sagas = await startSagas(world);
});
afterAll(async () => {
  await sagas.emulator.close();
  await db.stop();
});

/** A fresh SKU with stock and a catalog price (10.00 more than the cart showed). */
const stocked = (available = 10, price = 2000) => {
  const sku = `SKU-${crypto.randomUUID().slice(0, 8)}`;
  world.stock.set(sku, { available, price });
  return sku;
};

/** Runs the checkout saga for a draft (the order is NOT written beforehand: PlaceOrder does it). */
const runCheckout = async (input: ReturnType<typeof sagaInput>) => {
  const { executionArn } = sagas.emulator.startExecution({
    stateMachineArn: sagas.checkoutArn,
    name: input.orderId,
    input: JSON.stringify(input),
  });
  const execution = await sagas.emulator.waitForExecution(executionArn, 20_000);
  const order = await deps.orders.get(input.orderId);
  if (!order) throw new Error('the saga left no order');
  const tasks = world.calls.filter((call) => call.payload.orderId === input.orderId).map((call) => call.task);
  return { execution, order, tasks };
};

const draft = (sku: string, quantity = 2, overrides: Parameters<typeof sagaInput>[0] = {}) =>
  sagaInput(overrides, [cartLine(sku, quantity, 1000)]);

describe('checkout saga (the real ASL on the local Step Functions engine)', () => {
  it('reserves, prices at the catalog price, authorizes that total, confirms and captures', async () => {
    const sku = stocked(10, 2000);
    const input = draft(sku, 2);
    const { execution, order, tasks } = await runCheckout(input);
    expect(execution.status).toBe('SUCCEEDED');
    expect(tasks).toEqual([
      'PlaceOrder',
      'ReserveStock',
      'PriceOrder',
      'AuthorizePayment',
      'ConfirmOrder',
      'CapturePayment',
    ]);
    expect(order.status).toBe('CONFIRMED');
    // Catalog price 20.00 x 2 = 40.00 (the cart said 10.00): shipping 5.99, tax 3.20.
    expect(order.totals).toEqual({
      subtotal: usd(4000),
      shipping: usd(599),
      tax: usd(320),
      total: usd(4919),
    });
    expect(order.lines[0]).toMatchObject({
      sku,
      name: `Catalog ${sku}`,
      unitPrice: usd(2000),
      lineTotal: usd(4000),
    });
    expect(world.payments.get(input.orderId)).toEqual({ amount: usd(4919), status: 'CAPTURED' });
    expect(order.statusHistory.map((entry) => [entry.status, entry.reason])).toEqual([
      ['PENDING', 'ORDER_PLACED'],
      ['PENDING', 'PRICED'],
      ['CONFIRMED', undefined],
    ]);
    const events = await outboxEvents(db, input.orderId);
    expect(events.map((event) => event.type)).toEqual(['order.confirmed']);
    expect(events[0]?.data).toMatchObject({ lines: [{ sku, quantity: 2 }], total: usd(4919) });
  });

  it('keeps the order the HTTP function wrote: PlaceOrder then changes nothing', async () => {
    const input = draft(stocked());
    await deps.orders.create(placeOrder(input));
    const { execution, order } = await runCheckout(input);
    expect(execution.status).toBe('SUCCEEDED');
    expect(order.createdAt).toBe(input.placedAt);
  });

  it('rejects the order as OUT_OF_STOCK without retrying the reservation or touching the payment', async () => {
    const input = draft(stocked(1), 2);
    const { execution, order, tasks } = await runCheckout(input);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderRejected');
    expect(tasks).toEqual(['PlaceOrder', 'ReserveStock', 'RejectOrder']);
    expect(order.status).toBe('REJECTED');
    expect(order.statusReason).toBe('OUT_OF_STOCK');
    // Only the rejection is announced (notifications): nothing was confirmed.
    const events = await outboxEvents(db, input.orderId);
    expect(events.map((event) => event.type)).toEqual(['order.rejected']);
    expect(events[0]?.data).toMatchObject({ reason: 'OUT_OF_STOCK' });
  });

  it('releases the stock and rejects the order as PAYMENT_DECLINED when the payment is declined', async () => {
    const sku = stocked(5);
    const input = draft(sku, 2, { paymentMethod: 'pm_card_declined' });
    const { execution, order, tasks } = await runCheckout(input);
    expect(execution.status).toBe('FAILED');
    expect(tasks).toEqual([
      'PlaceOrder',
      'ReserveStock',
      'PriceOrder',
      'AuthorizePayment',
      'ReleaseStock',
      'RejectOrder',
    ]);
    expect(world.reservations.get(input.orderId)?.state).toBe('released');
    expect(world.stock.get(sku)?.available).toBe(5);
    expect(order.status).toBe('REJECTED');
    expect(order.statusReason).toBe('PAYMENT_DECLINED');
  });

  it('voids, releases and cancels the order as PAYMENT_FAILED when the capture keeps failing', async () => {
    const input = draft(stocked());
    world.captureFails.add(input.orderId);
    const { execution, order, tasks } = await runCheckout(input);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderCancelled');
    expect(tasks.filter((task) => task === 'CapturePayment')).toHaveLength(7);
    expect(tasks.slice(-3)).toEqual(['VoidPayment', 'ReleaseStock', 'CancelOrder']);
    expect(world.payments.get(input.orderId)?.status).toBe('VOIDED');
    expect(world.reservations.get(input.orderId)?.state).toBe('released');
    expect(order.status).toBe('CANCELLED');
    expect(order.statusReason).toBe('PAYMENT_FAILED');
    expect((await outboxEvents(db, input.orderId)).map((event) => event.type).sort()).toEqual([
      'order.cancelled',
      'order.confirmed',
    ]);
  });

  it('restocks instead when order.confirmed already turned the reservation into a sale', async () => {
    const input = draft(stocked());
    world.captureFails.add(input.orderId);
    world.commitOnConfirm = true;
    try {
      const { order, tasks } = await runCheckout(input);
      expect(tasks.slice(-4)).toEqual(['VoidPayment', 'ReleaseStock', 'RestockOrder', 'CancelOrder']);
      expect(world.restocked).toContain(input.orderId);
      expect(order.status).toBe('CANCELLED');
    } finally {
      world.commitOnConfirm = false;
    }
  });

  it('retries transient errors with backoff and still confirms', async () => {
    const input = draft(stocked());
    world.failures.set('ReserveStock', { name: 'TransientError', remaining: 2 });
    world.failures.set('AuthorizePayment', { name: 'PaymentInProgress', remaining: 3 });
    world.failures.set('ConfirmOrder', { name: 'Lambda.TooManyRequestsException', remaining: 1 });
    const { execution, order, tasks } = await runCheckout(input);
    expect(execution.status).toBe('SUCCEEDED');
    expect(tasks.filter((task) => task === 'ReserveStock')).toHaveLength(3);
    expect(tasks.filter((task) => task === 'AuthorizePayment')).toHaveLength(4);
    expect(tasks.filter((task) => task === 'ConfirmOrder')).toHaveLength(2);
    expect(order.status).toBe('CONFIRMED');
    expect(await outboxEvents(db, input.orderId)).toHaveLength(1);
  });

  it('gives up on a transient error after its retries and compensates (CHECKOUT_FAILED)', async () => {
    const input = draft(stocked());
    world.failures.set('PriceOrder', { name: 'TransientError', remaining: 100 });
    try {
      const { execution, order, tasks } = await runCheckout(input);
      expect(execution.status).toBe('FAILED');
      expect(tasks.filter((task) => task === 'PriceOrder')).toHaveLength(5); // 1 + 4 retries
      expect(tasks.slice(-2)).toEqual(['ReleaseStock', 'RejectOrder']);
      expect(order.status).toBe('REJECTED');
      expect(order.statusReason).toBe('CHECKOUT_FAILED');
    } finally {
      world.failures.delete('PriceOrder');
    }
  });
});

describe('cancel saga', () => {
  const confirmedOrder = async () => {
    const input = draft(stocked());
    const { order } = await runCheckout(input);
    expect(order.status).toBe('CONFIRMED');
    const cancelling = requestCancellation(order, 'CANCELLED_BY_CUSTOMER', new Date());
    expect(await deps.orders.update(order, cancelling)).toBe(true);
    return cancelling;
  };

  const runCancel = async (orderId: string, attempt: number) => {
    const { executionArn } = sagas.emulator.startExecution({
      stateMachineArn: sagas.cancelArn,
      name: cancelExecutionName(orderId, attempt),
      input: JSON.stringify({ orderId, reason: 'CANCELLED_BY_CUSTOMER' }),
    });
    const execution = await sagas.emulator.waitForExecution(executionArn, 20_000);
    const order = await deps.orders.get(orderId);
    if (!order) throw new Error('order vanished');
    return { execution, order };
  };

  it('refunds, restocks and marks the order CANCELLED with order.cancelled', async () => {
    const cancelling = await confirmedOrder();
    const { execution, order } = await runCancel(cancelling.id, cancelling.cancelAttempts);
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.payments.get(order.id)?.status).toBe('REFUNDED');
    expect(world.restocked).toContain(order.id);
    expect(order.status).toBe('CANCELLED');
    expect(order.statusReason).toBe('CANCELLED_BY_CUSTOMER');
    const cancelled = (await outboxEvents(db, order.id)).find((event) => event.type === 'order.cancelled');
    expect(cancelled?.data).toMatchObject({ orderId: order.id, reason: 'CANCELLED_BY_CUSTOMER' });
  });

  it('puts the order back to CONFIRMED when the refund fails for good', async () => {
    const cancelling = await confirmedOrder();
    world.refundFails.add(cancelling.id);
    const { execution, order } = await runCancel(cancelling.id, cancelling.cancelAttempts);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('CancellationFailed');
    expect(order.status).toBe('CONFIRMED');
    expect(order.statusHistory.at(-1)?.reason).toBe('CANCELLATION_FAILED');
    expect(world.restocked).not.toContain(order.id);
  });
});
