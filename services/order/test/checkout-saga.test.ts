import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { captureOutput, metricValuesOf } from '@shop/platform/observability/testing';
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
  it('passes the correlation id to every task, which logs it with the order id, publishes it and counts the order', async () => {
    const input = draft(stocked(10, 2000), 1, { correlationId: 'dx-corr-0002' });
    const { result, logs, emf } = await captureOutput(() => runCheckout(input));
    expect(result.execution.status).toBe('SUCCEEDED');
    const payloads = world.calls.filter((call) => call.payload.orderId === input.orderId);
    expect(payloads.map((call) => [call.task, call.payload.correlationId])).toEqual(
      result.tasks.map((task) => [task, 'dx-corr-0002']),
    );
    // The order's own tasks, one INFO line each, with the state name, order, outcome and duration.
    const taskLines = logs.filter((line) => line.message === 'task' && line.orderId === input.orderId);
    expect(taskLines.map((line) => line.task)).toEqual(['PlaceOrder', 'PriceOrder', 'ConfirmOrder']);
    for (const line of taskLines) {
      expect(line).toMatchObject({
        level: 'INFO',
        correlationId: 'dx-corr-0002',
        outcome: 'succeeded',
        durationMs: expect.any(Number),
      });
    }
    const events = await outboxEvents(db, input.orderId);
    expect(events.map((event) => [event.type, event.correlationId])).toEqual([
      ['order.confirmed', 'dx-corr-0002'],
    ]);
    const metrics = metricValuesOf(emf);
    expect(metrics.map((m) => m.name)).toEqual(['OrdersConfirmed', 'SagaDuration']);
    expect(metrics[1]).toMatchObject({ unit: 'Milliseconds', dimensions: { outcome: 'confirmed' } });
    expect(metrics[1]?.value).toBeGreaterThanOrEqual(0);
    for (const record of emf)
      expect(record).toMatchObject({ correlationId: 'dx-corr-0002', orderId: input.orderId });
  });

  it('counts a rejection under its reason, once, whatever the retries', async () => {
    const input = draft(stocked(0), 1, { correlationId: 'dx-corr-0004' });
    const { result, emf } = await captureOutput(() => runCheckout(input));
    expect(result.order.status).toBe('REJECTED');
    const repeated = await captureOutput(() =>
      createOrderTasks(deps).rejectOrder({
        orderId: input.orderId,
        reason: 'OUT_OF_STOCK',
        correlationId: 'x',
      }),
    );
    expect(repeated.emf).toEqual([]);
    expect(metricValuesOf(emf)).toEqual([
      expect.objectContaining({
        name: 'OrdersRejected',
        value: 1,
        dimensions: expect.objectContaining({ reason: 'OUT_OF_STOCK' }),
      }),
      expect.objectContaining({
        name: 'SagaDuration',
        dimensions: expect.objectContaining({ outcome: 'rejected' }),
      }),
    ]);
  });

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
      discount: usd(0),
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
      'ReleasePromotion',
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
    expect(tasks.slice(-4)).toEqual(['VoidPayment', 'ReleaseStock', 'ReleasePromotion', 'CancelOrder']);
    expect(world.payments.get(input.orderId)?.status).toBe('VOIDED');
    expect(world.reservations.get(input.orderId)?.state).toBe('released');
    expect(order.status).toBe('CANCELLED');
    expect(order.statusReason).toBe('PAYMENT_FAILED');
    expect((await outboxEvents(db, input.orderId)).map((event) => event.type).sort()).toEqual([
      'order.cancelled',
      'order.confirmed',
    ]);
  });

  it('cancels the order when ConfirmOrder confirmed it but every answer was lost', async () => {
    const sku = stocked(10);
    const input = draft(sku);
    const confirmOrder = world.tasks.ConfirmOrder;
    if (!confirmOrder) throw new Error('no ConfirmOrder task');
    // Each attempt confirms (the first) or finds the order confirmed, and then times out.
    world.tasks.ConfirmOrder = async (payload) => {
      await confirmOrder(payload);
      const error = new Error('ConfirmOrder: the answer was lost');
      error.name = 'Sandbox.Timedout';
      throw error;
    };
    world.commitOnConfirm = true;
    try {
      const { execution, order, tasks } = await runCheckout(input);
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('OrderCancelled');
      expect(tasks.filter((task) => task === 'ConfirmOrder')).toHaveLength(5);
      // Compensated as a failed confirmation, the rejection refused (the order is CONFIRMED), then
      // cancelled as after a failed capture, the units committed by order.confirmed restocked.
      expect(tasks.slice(-9)).toEqual([
        'VoidPayment',
        'ReleaseStock',
        'ReleasePromotion',
        'RejectOrder',
        'VoidPayment',
        'ReleaseStock',
        'RestockOrder',
        'ReleasePromotion',
        'CancelOrder',
      ]);
      expect(order.status).toBe('CANCELLED');
      expect(order.statusReason).toBe('PAYMENT_FAILED');
      expect(world.payments.get(input.orderId)?.status).toBe('VOIDED');
      expect(world.restocked).toContain(input.orderId);
      expect((await outboxEvents(db, input.orderId)).map((event) => event.type).sort()).toEqual([
        'order.cancelled',
        'order.confirmed',
      ]);
    } finally {
      world.tasks.ConfirmOrder = confirmOrder;
      world.commitOnConfirm = false;
    }
  });

  it('restocks instead when order.confirmed already turned the reservation into a sale', async () => {
    const input = draft(stocked());
    world.captureFails.add(input.orderId);
    world.commitOnConfirm = true;
    try {
      const { order, tasks } = await runCheckout(input);
      expect(tasks.slice(-5)).toEqual([
        'VoidPayment',
        'ReleaseStock',
        'RestockOrder',
        'ReleasePromotion',
        'CancelOrder',
      ]);
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
      expect(tasks.slice(-3)).toEqual(['ReleaseStock', 'ReleasePromotion', 'RejectOrder']);
      expect(order.status).toBe('REJECTED');
      expect(order.statusReason).toBe('CHECKOUT_FAILED');
    } finally {
      world.failures.delete('PriceOrder');
    }
  });
});

describe('checkout saga with a promotion code', () => {
  const promotion = (maxRedemptions: number, percent = 10) => {
    const code = `P${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    world.promotions.set(code, { percent, maxRedemptions, orders: new Set() });
    return code;
  };

  it('redeems the code right after the reservation, prices the discount in and authorizes the discounted total', async () => {
    const code = promotion(5, 25);
    const input = draft(stocked(10, 2000), 2, { promotionCode: code });
    const { execution, order, tasks } = await runCheckout(input);
    expect(execution.status).toBe('SUCCEEDED');
    expect(tasks).toEqual([
      'PlaceOrder',
      'ReserveStock',
      'RedeemPromotion',
      'PriceOrder',
      'AuthorizePayment',
      'ConfirmOrder',
      'CapturePayment',
    ]);
    // 40.00 less 25% = 30.00: below the free-shipping threshold, so 5.99 shipping; 8% tax of 30.00.
    expect(order.totals).toEqual({
      subtotal: usd(4000),
      discount: usd(1000),
      shipping: usd(599),
      tax: usd(240),
      total: usd(3839),
    });
    expect(order.promotionCode).toBe(code);
    expect(world.payments.get(input.orderId)).toEqual({ amount: usd(3839), status: 'CAPTURED' });
    expect(world.promotions.get(code)?.orders.has(input.orderId)).toBe(true);
  });

  it('rejects the order as PROMOTION_EXHAUSTED when the code is used up, releasing the stock before any payment', async () => {
    const code = promotion(0);
    const sku = stocked(5);
    const input = draft(sku, 2, { promotionCode: code });
    const { execution, order, tasks } = await runCheckout(input);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderRejected');
    expect(tasks).toEqual(['PlaceOrder', 'ReserveStock', 'RedeemPromotion', 'ReleaseStock', 'RejectOrder']);
    expect(world.stock.get(sku)?.available).toBe(5);
    expect(order.status).toBe('REJECTED');
    expect(order.statusReason).toBe('PROMOTION_EXHAUSTED');
  });

  it('rejects the order as PROMOTION_UNAVAILABLE for a code the promotions service refuses', async () => {
    const input = draft(stocked(5), 1, { promotionCode: 'NO-SUCH-CODE' });
    const { order, tasks } = await runCheckout(input);
    expect(tasks.slice(-2)).toEqual(['ReleaseStock', 'RejectOrder']);
    expect(order.statusReason).toBe('PROMOTION_UNAVAILABLE');
  });

  it('gives the redemption back when the payment is declined', async () => {
    const code = promotion(1);
    const input = draft(stocked(5), 1, { promotionCode: code, paymentMethod: 'pm_card_declined' });
    const { order, tasks } = await runCheckout(input);
    expect(tasks.slice(-3)).toEqual(['ReleaseStock', 'ReleasePromotion', 'RejectOrder']);
    expect(order.statusReason).toBe('PAYMENT_DECLINED');
    expect(world.promotions.get(code)?.orders.size).toBe(0);
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
      input: JSON.stringify({ orderId, reason: 'CANCELLED_BY_CUSTOMER', correlationId: 'cancel-request-1' }),
    });
    const execution = await sagas.emulator.waitForExecution(executionArn, 20_000);
    const order = await deps.orders.get(orderId);
    if (!order) throw new Error('order vanished');
    return { execution, order };
  };

  it('refunds, restocks and marks the order CANCELLED with order.cancelled', async () => {
    const cancelling = await confirmedOrder();
    const { result, emf } = await captureOutput(() => runCancel(cancelling.id, cancelling.cancelAttempts));
    const { execution, order } = result;
    expect(execution.status).toBe('SUCCEEDED');
    // The cancel request's correlation id reaches every task of the cancel saga and its event.
    const cancelCalls = world.calls.filter(
      (call) =>
        call.payload.orderId === order.id &&
        ['RefundPayment', 'RestockOrder', 'CancelOrder'].includes(call.task),
    );
    expect(cancelCalls.map((call) => call.payload.correlationId)).toEqual([
      'cancel-request-1',
      'cancel-request-1',
      'cancel-request-1',
    ]);
    expect(metricValuesOf(emf).map((m) => m.name)).toEqual(['OrdersCancelled']);
    expect(world.payments.get(order.id)?.status).toBe('REFUNDED');
    expect(world.restocked).toContain(order.id);
    expect(
      world.calls.filter((call) => call.payload.orderId === order.id).map((call) => call.task),
    ).toContain('ReleasePromotion');
    expect(order.status).toBe('CANCELLED');
    expect(order.statusReason).toBe('CANCELLED_BY_CUSTOMER');
    const cancelled = (await outboxEvents(db, order.id)).find((event) => event.type === 'order.cancelled');
    expect(cancelled?.data).toMatchObject({ orderId: order.id, reason: 'CANCELLED_BY_CUSTOMER' });
    expect(cancelled?.correlationId).toBe('cancel-request-1');
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
