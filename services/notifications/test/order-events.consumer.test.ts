import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { OrderCancelled, OrderConfirmed, OrderRejected } from '@shop/contracts/order';
import { PaymentRefunded } from '@shop/contracts/payment';
import { createEventConsumer, IDEMPOTENCY_PK_PREFIX } from '@shop/platform/consumer';
import { createEvent } from '@shop/platform/outbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orderNotificationHandlers } from '../src/application/order-notifications.handler.ts';
import { createNotificationsDeps } from '../src/composition-root.ts';
import { DynamoDbSentEmailLog } from '../src/infrastructure/dynamodb-sent-email.log.ts';
import {
  lambdaContext,
  type NotificationsHarness,
  OrderViewDouble,
  orderFixture,
  SENDER,
  sqsEvent,
  startNotificationsHarness,
} from './notifications.fixture.ts';

let harness: NotificationsHarness;
let orders: OrderViewDouble;
let consumer: ReturnType<typeof createEventConsumer>;
const context = lambdaContext();

const consumerFrom = (from: string) =>
  createEventConsumer({
    handlers: orderNotificationHandlers(
      createNotificationsDeps({
        tableName: harness.tableName,
        orderViewFunctionName: 'order-order-view',
        emailFromAddress: from,
        dynamoDb: harness.db.client,
        ses: harness.ses,
        orders,
      }),
    ),
    idempotency: { tableName: harness.tableName, client: harness.db.client },
  });

beforeAll(async () => {
  harness = await startNotificationsHarness();
  orders = new OrderViewDouble();
  consumer = consumerFrom(`Shop <${SENDER}>`);
});
afterAll(() => harness.stop());
beforeEach(() => {
  orders.down = undefined;
});

const origin = (orderId: string) => ({ source: 'order', correlationId: orderId });
const line = { sku: 'CAP-CANVAS-KHA', quantity: 2 };
const confirmed = (orderId: string, total = { amount: 6102, currency: 'USD' }) =>
  createEvent(OrderConfirmed, { orderId, customerId: 'alice', lines: [line], total }, origin(orderId));

const sentLog = () => new DynamoDbSentEmailLog(harness.db.documentClient, harness.tableName);

/** Forgets the consumer's idempotency records, as after their 24 h expiry. */
const forgetIdempotencyRecords = async () => {
  const { Items = [] } = await harness.db.documentClient.send(
    new QueryCommand({
      TableName: harness.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `${IDEMPOTENCY_PK_PREFIX}${context.functionName}` },
    }),
  );
  for (const item of Items) {
    await harness.db.documentClient.send(
      new DeleteCommand({ TableName: harness.tableName, Key: { pk: item.pk, sk: item.sk } }),
    );
  }
  return Items.length;
};

describe('the order-events consumer', () => {
  it('sends one email for order.confirmed with the lines and totals, and nothing when the event is redelivered', async () => {
    const order = orders.add(orderFixture({ email: 'confirm@example.com' }));
    const event = confirmed(order.id);

    expect(await consumer(sqsEvent(event), context)).toEqual({ batchItemFailures: [] });
    // Redelivered: the same event in new messages, twice in one batch and once more later.
    expect(await consumer(sqsEvent(event, event), context)).toEqual({ batchItemFailures: [] });
    expect(await consumer(sqsEvent(event), context)).toEqual({ batchItemFailures: [] });

    const inbox = harness.mailbox.list('confirm@example.com');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      from: SENDER,
      to: 'confirm@example.com',
      subject: `Your Shop order ${order.id} is confirmed`,
    });
    expect(inbox[0]?.text).toContain('2 x Canvas Cap (Khaki) (CAP-CANVAS-KHA) at $22.00: $44.00');
    expect(inbox[0]?.text).toMatch(/Total:\s+\$61\.02/);
    expect(inbox[0]?.html).toContain('<strong>$61.02</strong>');
    expect(await sentLog().find(event.id)).toMatchObject({
      outcome: 'SENT',
      orderId: order.id,
      to: 'confirm@example.com',
      messageId: inbox[0]?.id,
    });
  });

  it('sends nothing twice even once the idempotency records have expired (a DLQ redrive days later)', async () => {
    const order = orders.add(orderFixture({ email: 'redrive@example.com' }));
    const event = confirmed(order.id);
    await consumer(sqsEvent(event), context);
    expect(await forgetIdempotencyRecords()).toBeGreaterThan(0);
    expect(await consumer(sqsEvent(event), context)).toEqual({ batchItemFailures: [] });
    expect(harness.mailbox.list('redrive@example.com')).toHaveLength(1);
  });

  it('sends one email per event: confirmed, cancelled, refunded, and rejected for another order', async () => {
    const order = orders.add(orderFixture({ email: 'journey@example.com' }));
    const rejectedOrder = orders.add(orderFixture({ email: 'journey@example.com', status: 'REJECTED' }));
    const events = [
      confirmed(order.id),
      createEvent(
        OrderCancelled,
        {
          orderId: order.id,
          customerId: 'alice',
          reason: 'CANCELLED_BY_CUSTOMER',
          lines: [line],
          total: order.totals.total,
        },
        origin(order.id),
      ),
      createEvent(
        PaymentRefunded,
        {
          orderId: order.id,
          paymentId: 'pay-1',
          refundId: 'ref-1',
          amount: order.totals.total,
          refundedAmount: order.totals.total,
          fullyRefunded: true,
        },
        { source: 'payment', correlationId: order.id },
      ),
      createEvent(
        OrderRejected,
        {
          orderId: rejectedOrder.id,
          customerId: 'alice',
          reason: 'OUT_OF_STOCK',
          lines: [line],
          total: order.totals.total,
        },
        origin(rejectedOrder.id),
      ),
    ];
    expect(await consumer(sqsEvent(...events), context)).toEqual({ batchItemFailures: [] });
    const subjects = harness.mailbox
      .list('journey@example.com')
      .map((mail) => mail.subject)
      .sort();
    expect(subjects).toEqual(
      [
        `A refund of $61.02 for your Shop order ${order.id}`,
        `Your Shop order ${order.id} is cancelled`,
        `Your Shop order ${order.id} is confirmed`,
        `Your Shop order ${rejectedOrder.id} could not be placed`,
      ].sort(),
    );
  });

  it('fails the message while the order cannot be read, and sends once it can', async () => {
    const order = orders.add(orderFixture({ email: 'outage@example.com' }));
    const event = confirmed(order.id);
    orders.down = new Error('order service down');
    const [record] = sqsEvent(event).Records;
    if (!record) throw new Error('no record');
    expect(await consumer({ Records: [record] }, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(harness.mailbox.list('outage@example.com')).toEqual([]);
    orders.down = undefined;
    expect(await consumer({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });
    expect(harness.mailbox.list('outage@example.com')).toHaveLength(1);
  });

  it('logs SKIPPED for an order without an address and for an order that does not exist, sending nothing', async () => {
    const before = harness.mailbox.size;
    const noAddress = orders.add(orderFixture({ email: undefined }));
    const withoutAddress = confirmed(noAddress.id);
    const missing = confirmed('ord_missing');
    expect(await consumer(sqsEvent(withoutAddress, missing), context)).toEqual({ batchItemFailures: [] });
    expect(harness.mailbox.size).toBe(before);
    expect(await sentLog().find(withoutAddress.id)).toMatchObject({
      outcome: 'SKIPPED',
      detail: 'the order has no email address',
    });
    expect(await sentLog().find(missing.id)).toMatchObject({
      outcome: 'SKIPPED',
      detail: 'the order does not exist',
    });
  });

  it('logs REJECTED, without a retry, when SES refuses the message for good', async () => {
    const unverified = consumerFrom('someone@unverified.test');
    const order = orders.add(orderFixture({ email: 'rejected@example.com' }));
    const event = confirmed(order.id);
    expect(await unverified(sqsEvent(event), context)).toEqual({ batchItemFailures: [] });
    expect(harness.mailbox.list('rejected@example.com')).toEqual([]);
    expect(await sentLog().find(event.id)).toMatchObject({
      outcome: 'REJECTED',
      to: 'rejected@example.com',
      detail: expect.stringContaining('MessageRejected: Email address is not verified'),
    });
  });

  it('refuses an event it does not consume and an invalid envelope (they reach the DLQ)', async () => {
    const valid = confirmed('ord_x');
    const records = sqsEvent(
      { ...valid, type: 'order.placed' },
      { ...valid, data: { ...valid.data, orderId: '' } },
    ).Records;
    const result = await consumer({ Records: records }, context);
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      records.map((record) => record.messageId).sort(),
    );
  });
});
