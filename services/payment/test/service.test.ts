import { httpRoutesOf } from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import paymentService from '../src/service.ts';

describe('payment service definition', () => {
  it('declares the HTTP function with both routes behind the JWT authorizer', () => {
    const http = paymentService.functions.find((fn) => fn.id === 'http');
    expect(http?.name).toBe('payment-http');
    expect(http && httpRoutesOf(http)).toEqual([
      { method: 'GET', path: '/payments', auth: 'jwt' },
      { method: 'POST', path: '/payments/{paymentId}/refund', auth: 'jwt' },
    ]);
  });

  it('declares one function per saga task, named as the saga calls them', () => {
    const tasks = paymentService.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) => (trigger.type === 'task' ? [[fn.name, trigger.name]] : [])),
    );
    expect(tasks).toEqual([
      ['payment-authorize-payment', 'AuthorizePayment'],
      ['payment-capture-payment', 'CapturePayment'],
      ['payment-void-payment', 'VoidPayment'],
      ['payment-refund-payment', 'RefundPayment'],
    ]);
  });

  it('publishes its events through the outbox relay on the table stream', () => {
    expect(paymentService.publishes).toEqual(['payment.captured', 'payment.refunded']);
    expect(paymentService.table?.stream).toBe('NEW_AND_OLD_IMAGES');
    const relay = paymentService.functions.find((fn) => fn.id === 'outboxRelay');
    expect(relay?.triggers).toEqual([{ type: 'stream', batchSize: 100 }]);
  });
});
