import { describe, expect, it } from 'vitest';
import { LogHub, parseLogLine } from './log-hub.ts';

describe('the stack log hub', () => {
  it('reads the function, level, message, order and correlation id of a Powertools line', () => {
    const entry = parseLogLine(
      '[order-confirm-order] {"level":"INFO","message":"task succeeded","timestamp":"2026-12-02T10:00:00.000Z","orderId":"ord_1","correlationId":"c-1"}',
      7,
    );
    expect(entry).toMatchObject({
      seq: 7,
      source: 'order-confirm-order',
      level: 'INFO',
      message: 'task succeeded',
      orderId: 'ord_1',
      correlationId: 'c-1',
      at: '2026-12-02T10:00:00.000Z',
    });
  });

  it('turns a gateway access-log line into a one-line summary', () => {
    const entry = parseLogLine(
      '{"requestId":"r","httpMethod":"POST","path":"/checkout","routeKey":"POST /checkout","status":202,"latencyMs":41}',
      1,
    );
    expect(entry).toMatchObject({ source: 'gateway', message: 'POST /checkout 202 41 ms' });
  });

  it('keeps plain text as it is', () => {
    expect(parseLogLine('[cart-http] hello world', 1)).toMatchObject({
      source: 'cart-http',
      message: 'hello world',
    });
    expect(parseLogLine('{not json', 2)).toMatchObject({ source: 'stack', message: '{not json' });
  });

  it('tails after a sequence number, filters by order id, and forgets the oldest beyond its capacity', () => {
    const hub = new LogHub(3);
    hub.push('[a] {"message":"one","orderId":"o1"}');
    hub.push('[a] {"message":"two","orderId":"o2"}');
    hub.push('[b] something about o1');
    hub.push('[a] {"message":"four","orderId":"o1"}');
    expect(hub.lastSeq).toBe(4);
    expect(hub.query().map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(hub.query({ after: 3 }).map((e) => e.message)).toEqual(['four']);
    expect(hub.query({ orderId: 'o1' }).map((e) => e.seq)).toEqual([3, 4]);
    expect(hub.query({ source: 'b' }).map((e) => e.seq)).toEqual([3]);
    expect(hub.query({ limit: 1 }).map((e) => e.seq)).toEqual([4]);
  });
});
