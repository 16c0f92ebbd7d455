import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineEvent, EventEnvelope, Money, PageQuery, Problem, parseEvent } from './index.ts';

const envelope = (overrides: Record<string, unknown> = {}) => ({
  id: '01J9ZQ4V6X',
  type: 'order.confirmed',
  version: 1,
  source: 'order',
  time: '2026-11-26T10:00:00.000Z',
  correlationId: 'req-1',
  data: { orderId: 'o-1' },
  ...overrides,
});

describe('Money', () => {
  it('accepts integer minor units with an ISO 4217 code', () => {
    expect(Money.parse({ amount: 1999, currency: 'USD' })).toEqual({ amount: 1999, currency: 'USD' });
  });

  it.each([
    [{ amount: 19.99, currency: 'USD' }],
    [{ amount: -1, currency: 'USD' }],
    [{ amount: 100, currency: 'usd' }],
    [{ amount: 100, currency: 'DOLLARS' }],
  ])('refuses %j', (value) => {
    expect(Money.safeParse(value).success).toBe(false);
  });
});

describe('event envelope', () => {
  const OrderConfirmed = defineEvent('order.confirmed', 1, z.object({ orderId: z.string() }));

  it('parses an envelope and its typed payload', () => {
    expect(parseEvent(OrderConfirmed, envelope()).data.orderId).toBe('o-1');
  });

  it('refuses a payload that does not match the event', () => {
    expect(() => parseEvent(OrderConfirmed, envelope({ data: { order: 1 } }))).toThrow();
  });

  it('refuses an envelope of another type', () => {
    expect(() => parseEvent(OrderConfirmed, envelope({ type: 'order.cancelled' }))).toThrow(
      /expected event type/,
    );
  });

  it('refuses type names that are not <service>.<kebab-event>', () => {
    expect(EventEnvelope.safeParse(envelope({ type: 'OrderConfirmed' })).success).toBe(false);
    expect(() => defineEvent('order_confirmed', 1, z.object({}))).toThrow();
  });

  it('needs an ISO timestamp', () => {
    expect(EventEnvelope.safeParse(envelope({ time: 'yesterday' })).success).toBe(false);
  });
});

describe('pagination and problems', () => {
  it('coerces and bounds the page limit', () => {
    expect(PageQuery.parse({ limit: '5' })).toEqual({ limit: 5 });
    expect(PageQuery.parse({})).toEqual({ limit: 20 });
    expect(PageQuery.safeParse({ limit: '1000' }).success).toBe(false);
  });

  it('describes a validation problem', () => {
    const problem = {
      type: 't',
      title: 'Bad',
      status: 400,
      errors: [{ pointer: '/body/name', detail: 'required' }],
    };
    expect(Problem.parse(problem)).toEqual(problem);
  });
});
