import { EMAIL_FROM_ADDRESS_VARIABLE, invokedFunctionVariable } from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import { EMAIL_FROM_VARIABLE, ORDER_VIEW_FUNCTION_VARIABLE } from '../src/env.ts';
import service from '../src/service.ts';

describe('notifications service definition', () => {
  it('consumes the four order events in one function that reads orders and sends email', () => {
    expect(service.functions.map((fn) => fn.id)).toEqual(['orderEvents']);
    const [consumer] = service.functions;
    expect(consumer?.triggers).toEqual([
      {
        type: 'sqs',
        events: ['order.confirmed', 'order.rejected', 'order.cancelled', 'payment.refunded'],
        batchSize: 10,
      },
    ]);
    expect(consumer?.invokes).toEqual(['order.orderView']);
    expect(consumer?.sendsEmail).toBe(true);
    expect(service.publishes ?? []).toEqual([]);
    // No stream: it publishes nothing, so it needs no outbox relay.
    expect(service.table?.stream).toBeUndefined();
    expect(service.table?.timeToLiveAttribute).toBe('expiresAt');
  });

  it('reads the variables the platform derives for the order function and the sender', () => {
    expect(ORDER_VIEW_FUNCTION_VARIABLE).toBe(invokedFunctionVariable('order.orderView'));
    expect(EMAIL_FROM_VARIABLE).toBe(EMAIL_FROM_ADDRESS_VARIABLE);
  });
});
