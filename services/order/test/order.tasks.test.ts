import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDeps } from '../src/application/order.deps.ts';
import { createOrderTasks, type OrderTasks } from '../src/application/order.tasks.ts';
import { createOrderViewFunction } from '../src/application/order-view.use-case.ts';
import {
  confirmInput,
  depsFor,
  failure,
  outboxEvents,
  sagaInput,
  startOrderDb,
  usd,
} from './order.fixtures.ts';

let db: TestDynamoDb;
let deps: OrderDeps;
let tasks: OrderTasks;

beforeAll(async () => {
  db = await startOrderDb();
  deps = depsFor(db);
  tasks = createOrderTasks(deps);
});
afterAll(() => db.stop());

const placed = async () => {
  const input = sagaInput();
  await tasks.placeOrder(input);
  return input;
};

const stored = async (orderId: string) => {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  return order;
};

describe('order saga tasks', () => {
  it('PlaceOrder writes the order once; a repetition returns it unchanged', async () => {
    const input = sagaInput();
    expect(await tasks.placeOrder(input)).toEqual({ orderId: input.orderId, status: 'PENDING' });
    expect(await tasks.placeOrder(input)).toEqual({ orderId: input.orderId, status: 'PENDING' });
    const order = await stored(input.orderId);
    expect(order.version).toBe(1);
    expect(order.totals).toEqual(input.totals);
  });

  it('PlaceOrder refuses an input that contradicts the existing order', async () => {
    const input = await placed();
    const error = await failure(tasks.placeOrder({ ...input, requestHash: 'another' }));
    expect(error.name).toBe('OrderInvalidTransition');
  });

  it('PriceOrder re-prices with the reserved lines once and returns the new totals', async () => {
    const input = await placed();
    const lines = [
      { sku: 'SKU-1', productId: 'prod-SKU-1', name: 'Product SKU-1 (M)', quantity: 2, unitPrice: usd(3000) },
    ];
    const first = await tasks.priceOrder({ orderId: input.orderId, lines });
    expect(first.totals).toEqual({
      subtotal: usd(6000),
      discount: usd(0),
      shipping: usd(0),
      tax: usd(480),
      total: usd(6480),
    });
    // A repetition (even with other prices) keeps the first pricing.
    const again = await tasks.priceOrder({
      orderId: input.orderId,
      lines: [{ ...lines[0], unitPrice: usd(1) }],
    });
    expect(again.totals.total).toEqual(usd(6480));
    const order = await stored(input.orderId);
    expect(order.lines[0]?.name).toBe('Product SKU-1 (M)');
    expect(order.statusHistory.map((entry) => entry.reason)).toEqual(['ORDER_PLACED', 'PRICED']);
  });

  it('PriceOrder prices in one write: the version moves once, a missing order and a settled one are final errors', async () => {
    const input = await placed();
    const lines = [
      { sku: 'SKU-1', productId: 'prod-SKU-1', name: 'Product SKU-1', quantity: 2, unitPrice: usd(1000) },
    ];
    const results = await Promise.all(
      Array.from({ length: 3 }, () => tasks.priceOrder({ orderId: input.orderId, lines })),
    );
    expect(new Set(results.map((result) => result.totals.total.amount)).size).toBe(1);
    const order = await stored(input.orderId);
    expect(order).toMatchObject({ priced: true, version: 2, status: 'PENDING' });
    expect(order.statusHistory.map((entry) => entry.reason)).toEqual(['ORDER_PLACED', 'PRICED']);

    expect((await failure(tasks.priceOrder({ orderId: 'ord_missing', lines }))).name).toBe('OrderNotFound');
    await tasks.rejectOrder({ orderId: input.orderId, reason: 'PAYMENT_DECLINED' });
    expect((await failure(tasks.priceOrder({ orderId: input.orderId, lines }))).name).toBe(
      'OrderInvalidTransition',
    );
  });

  it('ConfirmOrder confirms once and publishes order.confirmed once, even when repeated concurrently', async () => {
    const input = await placed();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => tasks.confirmOrder(confirmInput(input))),
    );
    expect(results.every((result) => result.status === 'CONFIRMED')).toBe(true);
    const events = await outboxEvents(db, input.orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'order.confirmed',
      source: 'order',
      correlationId: input.orderId,
      data: {
        orderId: input.orderId,
        customerId: 'alice',
        lines: [{ sku: 'SKU-1', quantity: 2 }],
        total: input.totals.total,
      },
    });
    const order = await stored(input.orderId);
    expect(order.statusHistory.filter((entry) => entry.status === 'CONFIRMED')).toHaveLength(1);
  });

  it('PlaceOrder keeps the email of the checkout for the order and its view', async () => {
    const input = sagaInput({ email: 'alice@example.com' });
    await tasks.placeOrder(input);
    expect((await stored(input.orderId)).email).toBe('alice@example.com');
    const view = await createOrderViewFunction(deps)({ orderId: input.orderId });
    expect(view).toMatchObject({
      order: { id: input.orderId, email: 'alice@example.com', status: 'PENDING' },
    });
    expect(await createOrderViewFunction(deps)({ orderId: 'ord_missing' })).toEqual({
      order: null,
    });
    const noEmail = await placed();
    expect((await stored(noEmail.orderId)).email).toBeUndefined();
  });

  it('RejectOrder records the reason and publishes order.rejected once; confirming a rejected order is a final error', async () => {
    const input = await placed();
    expect(await tasks.rejectOrder({ orderId: input.orderId, reason: 'PAYMENT_DECLINED' })).toEqual({
      orderId: input.orderId,
      status: 'REJECTED',
    });
    await tasks.rejectOrder({ orderId: input.orderId, reason: 'PAYMENT_DECLINED' });
    const order = await stored(input.orderId);
    expect(order.statusReason).toBe('PAYMENT_DECLINED');
    expect(order.statusHistory.filter((entry) => entry.status === 'REJECTED')).toHaveLength(1);
    const events = await outboxEvents(db, input.orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'order.rejected',
      version: 1,
      correlationId: input.orderId,
      data: {
        orderId: input.orderId,
        customerId: 'alice',
        reason: 'PAYMENT_DECLINED',
        lines: [{ sku: 'SKU-1', quantity: 2 }],
        total: input.totals.total,
      },
    });
    expect((await failure(tasks.confirmOrder(confirmInput(input)))).name).toBe('OrderInvalidTransition');
  });

  it('CancelOrder cancels a confirmed order once and publishes order.cancelled', async () => {
    const input = await placed();
    await tasks.confirmOrder(confirmInput(input));
    await tasks.cancelOrder({ orderId: input.orderId, reason: 'PAYMENT_FAILED' });
    expect(await tasks.cancelOrder({ orderId: input.orderId, reason: 'PAYMENT_FAILED' })).toEqual({
      orderId: input.orderId,
      status: 'CANCELLED',
    });
    const order = await stored(input.orderId);
    expect(order.statusReason).toBe('PAYMENT_FAILED');
    const types = (await outboxEvents(db, input.orderId)).map((event) => event.type).sort();
    expect(types).toEqual(['order.cancelled', 'order.confirmed']);
  });

  it('AbortCancellation only moves CANCELLING back to CONFIRMED', async () => {
    const input = await placed();
    expect((await failure(tasks.abortCancellation({ orderId: input.orderId }))).name).toBe(
      'OrderInvalidTransition',
    );
  });

  it('fails with final error names on a missing order and on invalid input', async () => {
    expect(
      (await failure(tasks.confirmOrder(confirmInput(sagaInput({ orderId: 'ord_missing' }))))).name,
    ).toBe('OrderNotFound');
    expect((await failure(tasks.rejectOrder({ orderId: 'ord_x', reason: 'BORED' }))).name).toBe(
      'TaskInputInvalid',
    );
    expect((await failure(tasks.priceOrder({ orderId: 'ord_x', lines: [] }))).name).toBe('TaskInputInvalid');
  });

  it('reports an infrastructure failure as TransientError, which the saga retries', async () => {
    const broken = createOrderTasks({
      ...deps,
      orders: {
        ...deps.orders,
        get: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
      },
    });
    expect((await failure(broken.confirmOrder(confirmInput(sagaInput({ orderId: 'ord_x' }))))).name).toBe(
      'TransientError',
    );
  });
});
