import { OrderConfirmed } from '@shop/contracts/order';
import { createEventConsumer } from '@shop/platform/consumer';
import { lambdaContext, sqsEventFor } from '@shop/platform/consumer/testing';
import { captureOutput, metricValuesOf } from '@shop/platform/observability/testing';
import { createEvent } from '@shop/platform/outbox';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCartOnOrderConfirmed } from '../src/application/order-confirmed.handler.ts';
import { type CartTestEnv, startCartTestEnv, uniqueId } from './cart-test.fixture.ts';

const sqsEvent = sqsEventFor('cart-order-confirmed');

// The consumer as src/handlers/order-confirmed.consumer.ts wires it, over DynamoDB Local, with the
// log lines and EMF records it prints read back as CloudWatch would get them.

let t: CartTestEnv;
let consumer: ReturnType<typeof createEventConsumer>;

beforeAll(async () => {
  t = await startCartTestEnv();
  consumer = createEventConsumer({
    handlers: [emptyCartOnOrderConfirmed(t.deps)],
    idempotency: { tableName: t.tableName, client: t.db.client },
  });
});
afterAll(() => t.stop());

const confirmed = (orderId: string, correlationId: string) =>
  createEvent(
    OrderConfirmed,
    {
      orderId,
      customerId: uniqueId('dana'),
      lines: [{ sku: 'SKU-1', quantity: 1 }],
      total: { amount: 1000, currency: 'USD' },
    },
    { source: 'order', correlationId },
  );

const redelivered = (event: SQSEvent, receiveCount: number): SQSEvent => ({
  Records: event.Records.map((record) => ({
    ...record,
    attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) },
  })),
});

describe('event consumer logs and metrics', () => {
  it("puts the event's correlation id and order id on every line, one INFO line per record and one per batch", async () => {
    const orderId = uniqueId('ord');
    const { result, logs, emf } = await captureOutput(() =>
      consumer(sqsEvent(confirmed(orderId, 'dx-corr-0002')), lambdaContext('cart-order-confirmed')),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    const recordLines = logs.filter((line) => line.message !== 'batch');
    expect(recordLines.map((line) => line.message)).toEqual(['no cart to empty for this order', 'event']);
    for (const line of recordLines) {
      expect(line).toMatchObject({ correlationId: 'dx-corr-0002', orderId, eventType: 'order.confirmed' });
    }
    expect(recordLines.at(-1)).toMatchObject({
      level: 'INFO',
      outcome: 'succeeded',
      receiveCount: 1,
      durationMs: expect.any(Number),
    });
    expect(logs.at(-1)).toMatchObject({
      level: 'INFO',
      message: 'batch',
      outcome: 'succeeded',
      records: 1,
      failed: 0,
      durationMs: expect.any(Number),
      correlationId: 'dx-corr-0002',
      orderId,
    });
    // A first delivery that succeeds has nothing to count.
    expect(emf).toEqual([]);
  });

  it('counts a redelivery as a retry and a failed record as a partial batch failure', async () => {
    const event = redelivered(
      sqsEvent(confirmed(uniqueId('ord'), 'dx-corr-0005'), '{"not":"an envelope"}'),
      2,
    );
    const { result, logs, emf } = await captureOutput(() =>
      consumer(event, lambdaContext('cart-order-confirmed')),
    );
    expect(result.batchItemFailures).toHaveLength(1);
    expect(metricValuesOf(emf).map((m) => [m.name, m.value])).toEqual([
      ['ConsumerRetries', 2],
      ['PartialBatchFailures', 1],
    ]);
    expect(logs.at(-1)).toMatchObject({ message: 'batch', outcome: 'failed', records: 2, failed: 1 });
  });
});
