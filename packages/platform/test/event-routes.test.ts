import { describe, expect, it } from 'vitest';
import { EnvError } from '../src/env/index.ts';
import { parseEventRoutes } from '../src/relay/event-routes.ts';

describe('parseEventRoutes', () => {
  it('reads the routing table from EVENT_ROUTES', () => {
    const routes = parseEventRoutes({
      EVENT_ROUTES: JSON.stringify({
        'order.confirmed': ['http://127.0.0.1:4566/000000000000/cart-order-confirmed'],
        'catalog.product-changed': [],
      }),
    });
    expect(routes).toEqual({
      'order.confirmed': ['http://127.0.0.1:4566/000000000000/cart-order-confirmed'],
      'catalog.product-changed': [],
    });
  });

  it('fails when EVENT_ROUTES is missing', () => {
    expect(() => parseEventRoutes({})).toThrowError(/EVENT_ROUTES is missing/);
  });

  it.each([
    ['not JSON', '{order.confirmed'],
    ['an event type that is not <service>.<what>', '{"OrderConfirmed":[]}'],
    ['a queue that is not a URL', '{"order.confirmed":["cart-queue"]}'],
    ['a list instead of a map', '["http://127.0.0.1/q"]'],
  ])('rejects %s', (_, value) => {
    expect(() => parseEventRoutes({ EVENT_ROUTES: value })).toThrowError(EnvError);
  });
});
