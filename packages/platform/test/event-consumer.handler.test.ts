import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defineEvent } from '@shop/contracts';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createEventConsumer } from '../src/consumer/event-consumer.handler.ts';
import { sqsRecord } from '../src/consumer/testing.ts';

const OrderConfirmed = defineEvent('order.confirmed', 1, z.object({ orderId: z.string() }));
const PaymentRefunded = defineEvent(
  'payment.refunded',
  1,
  z.object({ paymentId: z.string(), amount: z.number() }),
);

const context = {
  functionName: 'cart-events',
  awsRequestId: randomUUID(),
  getRemainingTimeInMillis: () => 10_000,
} as Context;

const record = (body: string) => sqsRecord('cart-events', body);

// Invalid messages are rejected before any idempotency record is read, so no table is needed here.
const consumer = (seen: string[] = []) =>
  createEventConsumer({
    handlers: [
      // Each handler's envelope is typed by its own definition.
      { event: OrderConfirmed, handle: async (event) => void seen.push(event.data.orderId) },
      {
        event: PaymentRefunded,
        handle: async (event) => void seen.push(`${event.data.paymentId}:${event.data.amount}`),
      },
    ],
    idempotency: { tableName: 'shop-cart' },
  });

describe('createEventConsumer', () => {
  it('refuses two handlers for one event type', () => {
    expect(() =>
      createEventConsumer({
        handlers: [
          { event: OrderConfirmed, handle: async () => undefined },
          { event: OrderConfirmed, handle: async () => undefined },
        ],
        idempotency: { tableName: 'shop-cart' },
      }),
    ).toThrowError(/two handlers for order.confirmed/);
  });

  it('reports every message that is not a valid event it handles, and handles none of them', async () => {
    const seen: string[] = [];
    const records = [
      record('{'),
      record(JSON.stringify({ id: 'x' })),
      record(
        JSON.stringify({
          id: 'e1',
          type: 'cart.emptied',
          version: 1,
          source: 'cart',
          time: new Date().toISOString(),
          correlationId: 'c',
          data: {},
        }),
      ),
      record(
        JSON.stringify({
          id: 'e2',
          type: 'payment.refunded',
          version: 1,
          source: 'payment',
          time: new Date().toISOString(),
          correlationId: 'c',
          data: { paymentId: 'p', amount: 'ten' },
        }),
      ),
    ];
    const result = await consumer(seen)({ Records: records }, context);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.messageId));
    expect(seen).toEqual([]);
  });

  it('runs a handler deduped by its own write without an idempotency record, and the others with one', async () => {
    // Nothing listens on port 9: any idempotency record the consumer tried to write would fail.
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const seen: string[] = [];
    const handler = createEventConsumer({
      handlers: [
        {
          event: OrderConfirmed,
          dedupedBy: 'a write conditional on the order id',
          handle: async (event) => void seen.push(event.data.orderId),
        },
        { event: PaymentRefunded, handle: async (event) => void seen.push(event.data.paymentId) },
      ],
      idempotency: { tableName: 'shop-cart', client: unreachable },
    });
    const envelope = (id: string, type: string, data: unknown) =>
      JSON.stringify({
        id,
        type,
        version: 1,
        source: 's',
        time: new Date().toISOString(),
        correlationId: 'c',
        data,
      });
    const confirmed = envelope('e1', 'order.confirmed', { orderId: 'o-1' });
    const records = [
      record(confirmed),
      record(confirmed),
      record(envelope('e2', 'payment.refunded', { paymentId: 'p-1', amount: 1 })),
    ];
    const result = await handler({ Records: records }, context);
    unreachable.destroy();
    // Both deliveries of e1 reach the handler (its own condition makes the second a no-op); the
    // refund needs its record first, which cannot be written here, so it fails and is redelivered.
    expect(seen).toEqual(['o-1', 'o-1']);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([records[2]?.messageId]);
  });
});
