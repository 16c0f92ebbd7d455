import { PaymentRefunded } from '@shop/contracts/payment';
import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { createEventConsumer } from '@shop/platform/consumer';
import { sqsEventFor } from '@shop/platform/consumer/testing';
import { createEvent } from '@shop/platform/outbox';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDeps } from '../src/application/order.deps.ts';
import { createOrderTasks } from '../src/application/order.tasks.ts';
import { recordRefundOnPaymentRefunded } from '../src/application/payment-refunded.handler.ts';
import { confirmInput, depsFor, sagaInput, startOrderDb, tableOf, usd } from './order.fixtures.ts';

let db: TestDynamoDb;
let deps: OrderDeps;
let consumer: ReturnType<typeof createEventConsumer>;

const context = {
  functionName: 'order-payment-refunded',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-payment-refunded',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/order-payment-refunded',
  logStreamName: 'local',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

beforeAll(async () => {
  db = await startOrderDb();
  deps = depsFor(db);
  consumer = createEventConsumer({
    handlers: [recordRefundOnPaymentRefunded(deps)],
    idempotency: { tableName: tableOf(db), client: db.client },
  });
});
afterAll(() => db.stop());

const sqsEvent = (bodies: readonly unknown[]) => sqsEventFor('order-payment-refunded')(...bodies);

const refunded = (orderId: string, refundId: string) =>
  createEvent(
    PaymentRefunded,
    {
      orderId,
      paymentId: 'pay-1',
      refundId,
      amount: usd(1000),
      refundedAmount: usd(1000),
      fullyRefunded: false,
    },
    { source: 'payment', correlationId: orderId },
  );

describe('payment.refunded consumer', () => {
  it('records a refund in the order history once, whether the event or the refund repeats', async () => {
    const input = sagaInput();
    await createOrderTasks(deps).placeOrder(input);
    await createOrderTasks(deps).confirmOrder(confirmInput(input));
    const event = refunded(input.orderId, 'refund-1');
    const sameRefundOtherEvent = refunded(input.orderId, 'refund-1');
    expect(await consumer(sqsEvent([event]), context)).toEqual({ batchItemFailures: [] });
    expect(await consumer(sqsEvent([event, sameRefundOtherEvent]), context)).toEqual({
      batchItemFailures: [],
    });
    const order = await deps.orders.get(input.orderId);
    expect(order?.status).toBe('CONFIRMED');
    expect(order?.refundedAmount).toEqual(usd(1000));
    expect(order?.statusHistory.filter((entry) => entry.reason === 'PAYMENT_REFUNDED')).toEqual([
      expect.objectContaining({ status: 'CONFIRMED', detail: 'partially refunded: 1000 USD' }),
    ]);
  });

  it('ignores a refund of an order it does not know, and reports a malformed message as failed', async () => {
    const result = await consumer(sqsEvent([refunded('ord_unknown', 'r-9'), { not: 'an event' }]), context);
    expect(result.batchItemFailures).toHaveLength(1);
  });
});
