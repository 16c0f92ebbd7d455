import { describe, expect, it } from 'vitest';
import {
  applyRefund,
  approve,
  capture,
  decline,
  isLeaseFree,
  type Payment,
  refundAmountFor,
  releaseLease,
  startPayment,
  takeLease,
  voidAuthorization,
} from '../src/domain/payment.entity.ts';
import {
  InvalidPaymentTransitionError,
  InvalidRefundAmountError,
  RefundExceedsCapturedError,
} from '../src/domain/payment.errors.ts';

const now = new Date('2026-11-26T10:00:00.000Z');
const usd = (amount: number) => ({ amount, currency: 'USD' });

const pending = (): Payment =>
  startPayment(
    {
      id: 'pay-1',
      orderId: 'order-1',
      customerId: 'alice',
      amount: usd(1000),
      paymentMethod: 'pm_card_visa',
      leaseUntil: now.getTime() + 15_000,
    },
    now,
  );
const authorized = () => approve(pending(), 'ch_1', now);
const captured = () => capture(authorized(), now);
const refund = (payment: Payment, amount: number | undefined, refundId = 'r1') =>
  applyRefund(
    payment,
    {
      refundId,
      amount: refundAmountFor(payment, amount === undefined ? undefined : usd(amount)),
      providerReference: 're_1',
    },
    now,
  );

describe('payment transitions', () => {
  it('starts PENDING with nothing captured or refunded', () => {
    const payment = pending();
    expect(payment).toMatchObject({ status: 'PENDING', providerReference: null, version: 1 });
    expect(payment.capturedAmount).toEqual(usd(0));
    expect(payment.history).toEqual([
      { status: 'PENDING', at: now.toISOString(), reason: 'authorization requested' },
    ]);
  });

  it('PENDING -> AUTHORIZED records the provider reference and a history entry', () => {
    const payment = authorized();
    expect(payment).toMatchObject({
      status: 'AUTHORIZED',
      providerReference: 'ch_1',
      version: 2,
      leaseUntil: 0,
    });
    expect(payment.history.map((entry) => entry.status)).toEqual(['PENDING', 'AUTHORIZED']);
  });

  it('PENDING -> DECLINED keeps the reason', () => {
    const payment = decline(pending(), 'ch_2', 'card_declined', 'the card was declined', now);
    expect(payment).toMatchObject({ status: 'DECLINED', declineCode: 'card_declined' });
    expect(payment.history.at(-1)?.reason).toBe('card_declined: the card was declined');
  });

  it('AUTHORIZED -> CAPTURED captures the whole amount', () => {
    expect(captured()).toMatchObject({
      status: 'CAPTURED',
      capturedAmount: usd(1000),
      refundedAmount: usd(0),
    });
  });

  it('AUTHORIZED -> VOIDED', () => {
    expect(voidAuthorization(authorized(), 'saga gave up', now).status).toBe('VOIDED');
  });

  it('a partial refund stays CAPTURED, the one reaching the captured amount makes it REFUNDED', () => {
    const partly = refund(captured(), 300);
    expect(partly).toMatchObject({ status: 'CAPTURED', refundedAmount: usd(300) });
    expect(partly.history.at(-1)).toMatchObject({
      status: 'CAPTURED',
      reason: 'partially refunded 300 USD minor units',
    });
    const fully = refund(partly, undefined, 'r2');
    expect(fully).toMatchObject({ status: 'REFUNDED', refundedAmount: usd(1000) });
    expect(Object.keys(fully.refunds)).toEqual(['r1', 'r2']);
  });

  it.each<[string, () => Payment, (payment: Payment) => unknown]>([
    ['capture a PENDING payment', pending, (p) => capture(p, now)],
    ['capture after void', () => voidAuthorization(authorized(), 'x', now), (p) => capture(p, now)],
    ['capture a DECLINED payment', () => decline(pending(), 'c', 'd', 'r', now), (p) => capture(p, now)],
    ['capture twice', captured, (p) => capture(p, now)],
    ['void after capture', captured, (p) => voidAuthorization(p, 'x', now)],
    ['void twice', () => voidAuthorization(authorized(), 'x', now), (p) => voidAuthorization(p, 'x', now)],
    ['authorize twice', authorized, (p) => approve(p, 'ch', now)],
    ['decline an AUTHORIZED payment', authorized, (p) => decline(p, 'ch', 'd', 'r', now)],
    ['refund before capture', authorized, (p) => refundAmountFor(p, undefined)],
    [
      'refund a VOIDED payment',
      () => voidAuthorization(authorized(), 'x', now),
      (p) => refundAmountFor(p, undefined),
    ],
    [
      'refund a fully refunded payment',
      () => refund(captured(), undefined),
      (p) => refundAmountFor(p, usd(1)),
    ],
    ['take over a settled payment', authorized, (p) => takeLease(p, 1, now)],
  ])('refuses to %s', (_name, make, operation) => {
    expect(() => operation(make())).toThrow(InvalidPaymentTransitionError);
  });

  it('refuses a refund beyond what is left', () => {
    const partly = refund(captured(), 600);
    expect(() => refundAmountFor(partly, usd(401))).toThrow(RefundExceedsCapturedError);
    expect(refundAmountFor(partly, usd(400))).toEqual(usd(400));
  });

  it('refuses a zero refund or one in another currency', () => {
    expect(() => refundAmountFor(captured(), usd(0))).toThrow(InvalidRefundAmountError);
    expect(() => refundAmountFor(captured(), { amount: 10, currency: 'EUR' })).toThrow(
      InvalidRefundAmountError,
    );
  });

  it('lets a PENDING payment be taken over once its lease is released or expired', () => {
    const payment = pending();
    expect(isLeaseFree(payment, now)).toBe(false);
    expect(isLeaseFree(payment, new Date(now.getTime() + 15_000))).toBe(true);
    const released = releaseLease(payment, now);
    expect(isLeaseFree(released, now)).toBe(true);
    expect(takeLease(released, now.getTime() + 1000, now)).toMatchObject({
      leaseUntil: now.getTime() + 1000,
      version: 3,
    });
  });
});
