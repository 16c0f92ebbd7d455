import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  httpRoutesOf,
  invokedFunctionVariable,
  stateMachineArnVariable,
  taskPlaceholderOf,
} from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import { CANCEL_ARN, CART_FUNCTION, CHECKOUT_ARN, SETTLE_ARN } from '../src/env.ts';
import orderService from '../src/service.ts';

const placeholdersOf = (file: string): string[] => [
  ...new Set(
    [...readFileSync(join(orderService.root, file), 'utf8').matchAll(/\$\{([^}]+)\}/g)].map(
      (m) => m[1] ?? '',
    ),
  ),
];

describe('order service definition', () => {
  it('declares the HTTP routes behind the JWT authorizer, invoking the cart', () => {
    const http = orderService.functions.find((fn) => fn.id === 'http');
    expect(http && httpRoutesOf(http)).toEqual([
      { method: 'POST', path: '/checkout', auth: 'jwt' },
      { method: 'GET', path: '/orders', auth: 'jwt' },
      { method: 'GET', path: '/orders/{orderId}', auth: 'jwt' },
      { method: 'POST', path: '/orders/{orderId}/cancel', auth: 'jwt' },
      { method: 'GET', path: '/admin/orders', auth: 'jwt' },
    ]);
    expect(http?.invokes).toEqual(['cart.checkoutView']);
  });

  it('reads the variables the platform derives for its state machines and the cart function', () => {
    expect(Object.keys(orderService.stateMachines ?? {})).toEqual(['checkout', 'cancel', 'settle']);
    expect(CHECKOUT_ARN).toBe(stateMachineArnVariable('checkout'));
    expect(CANCEL_ARN).toBe(stateMachineArnVariable('cancel'));
    expect(SETTLE_ARN).toBe(stateMachineArnVariable('settle'));
    expect(CART_FUNCTION).toBe(invokedFunctionVariable('cart.checkoutView'));
  });

  it("uses only task placeholders of its own tasks and of the catalog's, payment's and promotions'", () => {
    const own = orderService.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) => (trigger.type === 'task' ? [trigger.name] : [])),
    );
    expect(own).toEqual([
      'PlaceOrder',
      'PriceOrder',
      'ConfirmOrder',
      'RejectOrder',
      'CancelOrder',
      'AbortCancellation',
    ]);
    const others = [
      'ReserveStock',
      'ReleaseStock',
      'RestockOrder',
      'AuthorizePayment',
      'CapturePayment',
      'VoidPayment',
      'RefundPayment',
      'RedeemPromotion',
      'ReleasePromotion',
    ];
    const known = new Set([...own, ...others].map(taskPlaceholderOf));
    for (const machine of Object.values(orderService.stateMachines ?? {})) {
      const used = placeholdersOf(machine.definitionFile);
      expect(used.filter((name) => !known.has(name))).toEqual([]);
    }
  });

  it('gives every task state a timeout and never retries a domain error', () => {
    const domainErrors = [
      'OutOfStock',
      'PaymentDeclined',
      'OrderInvalidTransition',
      'OrderNotFound',
      'States.ALL',
    ];
    for (const machine of Object.values(orderService.stateMachines ?? {})) {
      const asl = JSON.parse(readFileSync(join(orderService.root, machine.definitionFile), 'utf8')) as {
        States: Record<
          string,
          {
            Type: string;
            TimeoutSeconds?: number;
            Retry?: { ErrorEquals: string[]; JitterStrategy?: string }[];
          }
        >;
      };
      for (const [name, state] of Object.entries(asl.States)) {
        if (state.Type !== 'Task') continue;
        expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
        for (const retrier of state.Retry ?? []) {
          expect(
            retrier.ErrorEquals.filter((error) => domainErrors.includes(error)),
            name,
          ).toEqual([]);
          expect(retrier.JitterStrategy, name).toBe('FULL');
        }
      }
    }
  });

  it('runs the reconciler every minute and offers orderStatuses for direct invocation', () => {
    const reconciler = orderService.functions.find((fn) => fn.id === 'reconcileOrders');
    expect(reconciler?.triggers).toEqual([{ type: 'schedule', rate: 'rate(1 minute)' }]);
    expect(reconciler?.entry.endsWith('src/handlers/reconcile-orders.schedule.ts')).toBe(true);
    const statuses = orderService.functions.find((fn) => fn.id === 'orderStatuses');
    expect(statuses?.triggers).toEqual([{ type: 'invoke' }]);
  });

  it('offers the orderView internal function', () => {
    expect(orderService.functions.find((fn) => fn.id === 'orderView')?.triggers).toEqual([
      { type: 'invoke' },
    ]);
  });

  it('publishes order.confirmed, order.rejected and order.cancelled and consumes payment.refunded', () => {
    expect(orderService.publishes).toEqual(['order.confirmed', 'order.rejected', 'order.cancelled']);
    const consumer = orderService.functions.find((fn) => fn.id === 'paymentRefunded');
    expect(consumer?.triggers).toEqual([{ type: 'sqs', events: ['payment.refunded'], batchSize: 10 }]);
  });
});
