import { describe, expect, it } from 'vitest';
import {
  abortCancellation,
  cancel,
  confirm,
  type Order,
  placeOrder,
  price,
  recordRefund,
  reject,
  requestCancellation,
} from '../src/domain/order.entity.ts';
import { InvalidOrderTransitionError, OrderNotCancellableError } from '../src/domain/order.errors.ts';
import { sagaInput } from './order.fixtures.ts';

const now = new Date('2026-11-26T10:00:00.000Z');
const changed = (result: ReturnType<typeof confirm>): Order => {
  if (!result.changed) throw new Error('expected a change');
  return result.order;
};

describe('order status transitions', () => {
  const pending = placeOrder(sagaInput());

  it('places a PENDING order with its first history entry', () => {
    expect(pending.status).toBe('PENDING');
    expect(pending.statusHistory).toEqual([
      { status: 'PENDING', at: pending.createdAt, reason: 'ORDER_PLACED' },
    ]);
    expect(pending.version).toBe(1);
  });

  it('confirms a PENDING order once; confirming again changes nothing', () => {
    const confirmed = changed(confirm(pending, now));
    expect(confirmed.status).toBe('CONFIRMED');
    expect(confirmed.version).toBe(2);
    expect(confirmed.statusHistory.at(-1)).toEqual({ status: 'CONFIRMED', at: now.toISOString() });
    expect(confirm(confirmed, now).changed).toBe(false);
  });

  it('rejects with a reason, and refuses to reject a confirmed order', () => {
    const rejected = changed(reject(pending, 'OUT_OF_STOCK', now));
    expect(rejected.statusReason).toBe('OUT_OF_STOCK');
    expect(rejected.statusHistory.at(-1)?.reason).toBe('OUT_OF_STOCK');
    expect(reject(rejected, 'OUT_OF_STOCK', now).changed).toBe(false);
    expect(() => confirm(rejected, now)).toThrow(InvalidOrderTransitionError);
    expect(() => reject(changed(confirm(pending, now)), 'PAYMENT_DECLINED', now)).toThrow(
      InvalidOrderTransitionError,
    );
  });

  it('prices once, only while PENDING', () => {
    const reserved = [
      { sku: 'SKU-1', productId: 'p', name: 'n', quantity: 2, unitPrice: { amount: 1200, currency: 'USD' } },
    ];
    const priced = changed(price(pending, reserved, now));
    expect(priced.totals.subtotal.amount).toBe(2400);
    expect(priced.priced).toBe(true);
    expect(price(priced, reserved, now).changed).toBe(false);
    expect(() => price(changed(confirm(pending, now)), reserved, now)).toThrow(InvalidOrderTransitionError);
  });

  it('cancels CONFIRMED -> CANCELLING -> CANCELLED; a pending order is not cancellable', () => {
    expect(() => requestCancellation(pending, 'CANCELLED_BY_CUSTOMER', now)).toThrow(
      OrderNotCancellableError,
    );
    const cancelling = requestCancellation(changed(confirm(pending, now)), 'CANCELLED_BY_CUSTOMER', now);
    expect(cancelling.status).toBe('CANCELLING');
    expect(cancelling.cancelAttempts).toBe(1);
    expect(() => requestCancellation(cancelling, 'CANCELLED_BY_CUSTOMER', now)).toThrow(
      OrderNotCancellableError,
    );
    const cancelled = changed(cancel(cancelling, 'CANCELLED_BY_CUSTOMER', now));
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancel(cancelled, 'CANCELLED_BY_CUSTOMER', now).changed).toBe(false);
    expect(() => cancel(pending, 'PAYMENT_FAILED', now)).toThrow(InvalidOrderTransitionError);
  });

  it('goes back to CONFIRMED when the cancellation is aborted', () => {
    const cancelling = requestCancellation(changed(confirm(pending, now)), 'CANCELLED_BY_ADMIN', now);
    const back = changed(abortCancellation(cancelling, now));
    expect(back.status).toBe('CONFIRMED');
    expect(back.statusHistory.at(-1)?.reason).toBe('CANCELLATION_FAILED');
    expect(abortCancellation(back, now).changed).toBe(false);
  });

  it('records each refund once without changing the status', () => {
    const confirmed = changed(confirm(pending, now));
    const refund = {
      refundId: 'r1',
      amount: { amount: 500, currency: 'USD' },
      refundedAmount: { amount: 500, currency: 'USD' },
      fullyRefunded: false,
    };
    const refunded = changed(recordRefund(confirmed, refund, now));
    expect(refunded.status).toBe('CONFIRMED');
    expect(refunded.refundedAmount).toEqual({ amount: 500, currency: 'USD' });
    expect(refunded.statusHistory.at(-1)).toMatchObject({ status: 'CONFIRMED', reason: 'PAYMENT_REFUNDED' });
    expect(recordRefund(refunded, refund, now).changed).toBe(false);
  });
});
