import { randomUUID } from 'node:crypto';
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
});
