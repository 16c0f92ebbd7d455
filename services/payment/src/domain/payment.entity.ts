import {
  InvalidPaymentTransitionError,
  InvalidRefundAmountError,
  RefundExceedsCapturedError,
} from './payment.errors.ts';
import type { Money, PaymentHistoryEntry, PaymentStatus } from './payment.types.ts';

/** One refund of a payment, keyed in {@link Payment.refunds} by its id (the idempotency key of the refund). */
export interface RefundRecord {
  readonly id: string;
  readonly amount: Money;
  readonly at: string;
  readonly reason?: string;
  readonly providerReference: string;
}

/**
 * The payment of one order. Every change goes through the functions below, which check the transition
 * and bump `version`; the repository writes a change only if the stored status and version are still
 * the ones it was computed from, so concurrent calls cannot skip or repeat a transition.
 */
export interface Payment {
  readonly id: string;
  readonly orderId: string;
  /** Owner of the order: who may read the payment besides admins. */
  readonly customerId: string;
  readonly amount: Money;
  readonly capturedAmount: Money;
  readonly refundedAmount: Money;
  readonly status: PaymentStatus;
  readonly paymentMethod: string;
  readonly providerReference: string | null;
  /** Why the provider declined (`card_declined`, ...) and its explanation, when `DECLINED`. */
  readonly declineCode?: string;
  readonly declineReason?: string;
  readonly history: readonly PaymentHistoryEntry[];
  readonly refunds: Readonly<Record<string, RefundRecord>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  /**
   * While `PENDING`: until when (epoch ms) the invocation that is authorizing owns the payment. After
   * that (a crashed or timed-out invocation), or at 0 (released after a transient failure), a retry
   * may take the authorization over; the provider's idempotency key keeps that from charging twice.
   */
  readonly leaseUntil: number;
}

const zero = (currency: string): Money => ({ amount: 0, currency });

const next = (
  payment: Payment,
  now: Date,
  changes: Partial<Payment>,
  entry?: { status: PaymentStatus; reason?: string },
): Payment => {
  const at = now.toISOString();
  return {
    ...payment,
    ...changes,
    history: entry
      ? [...payment.history, { status: entry.status, at, ...(entry.reason ? { reason: entry.reason } : {}) }]
      : payment.history,
    updatedAt: at,
    version: payment.version + 1,
  };
};

const ensureStatus = (payment: Payment, operation: string, ...allowed: PaymentStatus[]): void => {
  if (!allowed.includes(payment.status)) throw new InvalidPaymentTransitionError(operation, payment.status);
};

export interface NewPayment {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly paymentMethod: string;
  readonly leaseUntil: number;
}

/** A `PENDING` payment, owned by the invocation that creates it until `leaseUntil`. */
export const startPayment = (input: NewPayment, now: Date): Payment => {
  const at = now.toISOString();
  return {
    ...input,
    capturedAmount: zero(input.amount.currency),
    refundedAmount: zero(input.amount.currency),
    status: 'PENDING',
    providerReference: null,
    history: [{ status: 'PENDING', at, reason: 'authorization requested' }],
    refunds: {},
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

/** A `PENDING` payment nobody owns any more (lease expired or released) may be taken over. */
export const isLeaseFree = (payment: Payment, now: Date): boolean =>
  payment.status === 'PENDING' && payment.leaseUntil <= now.getTime();

export const takeLease = (payment: Payment, leaseUntil: number, now: Date): Payment => {
  ensureStatus(payment, 'take over the authorization of', 'PENDING');
  return next(payment, now, { leaseUntil });
};

export const releaseLease = (payment: Payment, now: Date): Payment => {
  ensureStatus(payment, 'release', 'PENDING');
  return next(payment, now, { leaseUntil: 0 });
};

export const approve = (payment: Payment, providerReference: string, now: Date): Payment => {
  ensureStatus(payment, 'authorize', 'PENDING');
  return next(
    payment,
    now,
    { status: 'AUTHORIZED', providerReference, leaseUntil: 0 },
    { status: 'AUTHORIZED', reason: 'approved by the provider' },
  );
};

export const decline = (
  payment: Payment,
  providerReference: string,
  declineCode: string,
  reason: string,
  now: Date,
): Payment => {
  ensureStatus(payment, 'decline', 'PENDING');
  return next(
    payment,
    now,
    { status: 'DECLINED', providerReference, declineCode, declineReason: reason, leaseUntil: 0 },
    { status: 'DECLINED', reason: `${declineCode}: ${reason}` },
  );
};

/** Captures the whole authorized amount: the order's total, no more and no less. */
export const capture = (payment: Payment, now: Date): Payment => {
  ensureStatus(payment, 'capture', 'AUTHORIZED');
  return next(
    payment,
    now,
    { status: 'CAPTURED', capturedAmount: payment.amount },
    { status: 'CAPTURED', reason: 'captured in full' },
  );
};

export const voidAuthorization = (payment: Payment, reason: string, now: Date): Payment => {
  ensureStatus(payment, 'void', 'AUTHORIZED');
  return next(payment, now, { status: 'VOIDED' }, { status: 'VOIDED', reason });
};

/** What is left to refund: captured minus refunded. */
export const refundable = (payment: Payment): Money => ({
  amount: payment.capturedAmount.amount - payment.refundedAmount.amount,
  currency: payment.capturedAmount.currency,
});

/**
 * The amount a refund request stands for (everything left when `requested` is absent), or why it
 * cannot be refunded. Partial refunds keep the payment `CAPTURED`; the one that reaches the captured
 * amount makes it `REFUNDED`, after which nothing more can be refunded.
 */
export const refundAmountFor = (payment: Payment, requested: Money | undefined): Money => {
  ensureStatus(payment, 'refund', 'CAPTURED', 'REFUNDED');
  const left = refundable(payment);
  if (payment.status === 'REFUNDED' || left.amount === 0) {
    throw new InvalidPaymentTransitionError(
      'refund',
      payment.status,
      'the payment is already fully refunded',
    );
  }
  if (!requested) return left;
  if (requested.currency !== payment.amount.currency) {
    throw new InvalidRefundAmountError(
      `the refund must be in ${payment.amount.currency}, the payment's currency`,
    );
  }
  if (requested.amount <= 0) throw new InvalidRefundAmountError('the refund amount must be more than zero');
  if (requested.amount > left.amount) {
    throw new RefundExceedsCapturedError(payment.status, left.amount, left.currency);
  }
  return requested;
};

export interface RefundChange {
  readonly refundId: string;
  readonly amount: Money;
  readonly providerReference: string;
  readonly reason?: string;
}

export const applyRefund = (payment: Payment, change: RefundChange, now: Date): Payment => {
  const amount = refundAmountFor(payment, change.amount);
  const refundedAmount = { amount: payment.refundedAmount.amount + amount.amount, currency: amount.currency };
  const full = refundedAmount.amount === payment.capturedAmount.amount;
  const status: PaymentStatus = full ? 'REFUNDED' : 'CAPTURED';
  const what = `${full ? 'refunded' : 'partially refunded'} ${amount.amount} ${amount.currency} minor units`;
  return next(
    payment,
    now,
    {
      status,
      refundedAmount,
      refunds: {
        ...payment.refunds,
        [change.refundId]: {
          id: change.refundId,
          amount,
          at: now.toISOString(),
          providerReference: change.providerReference,
          ...(change.reason ? { reason: change.reason } : {}),
        },
      },
    },
    { status, reason: change.reason ? `${what}: ${change.reason}` : what },
  );
};
