import type { AuthorizePaymentInput } from '@shop/contracts/payment';
import { nowOf } from '@shop/platform/clock';
import { recordMetric, SHOP_METRICS } from '@shop/platform/observability';
import {
  approve,
  decline,
  isLeaseFree,
  type Payment,
  releaseLease,
  startPayment,
  takeLease,
} from '../domain/payment.entity.ts';
import {
  PaymentDeclinedError,
  PaymentInProgressError,
  PaymentProviderUnavailableError,
  PaymentRequestMismatchError,
} from '../domain/payment.errors.ts';
import { ProviderUnavailableError } from '../domain/payment-provider.port.ts';
import { AUTHORIZATION_LEASE_MS, newIdOf, type PaymentDeps } from './payment.deps.ts';

const DEFAULT_WAIT = { attempts: 20, intervalMs: 100 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The provider's idempotency key of an order's authorization: one charge per order, whoever calls. */
export const authorizationKey = (orderId: string): string => `authorize:${orderId}`;

const mismatchedFields = (payment: Payment, input: AuthorizePaymentInput): string[] => [
  ...(payment.amount.amount !== input.amount.amount || payment.amount.currency !== input.amount.currency
    ? ['amount']
    : []),
  ...(payment.customerId !== input.customerId ? ['customerId'] : []),
  ...(payment.paymentMethod !== input.paymentMethod ? ['paymentMethod'] : []),
];

/**
 * Authorizes the order's amount, once per order whatever the number of calls.
 *
 * The first call puts a `PENDING` payment keyed by order id (a conditional put, which hands a later
 * call the payment already there) before it calls the provider, so a concurrent second call cannot
 * charge again: it waits for the first one's outcome and returns it, or fails with
 * `PaymentInProgressError` (retryable) if that takes too long. A transient provider failure releases
 * the payment so the retry takes it over; a crashed call's lease expires.
 * Both call the provider with the same idempotency key, so a take-over never charges twice.
 *
 * @throws PaymentDeclinedError (the payment is recorded as `DECLINED`), PaymentProviderUnavailableError,
 *   PaymentInProgressError, PaymentRequestMismatchError
 */
export const authorizePayment = async (deps: PaymentDeps, input: AuthorizePaymentInput): Promise<Payment> => {
  const now = nowOf(deps);
  const pending = startPayment(
    {
      id: newIdOf(deps),
      orderId: input.orderId,
      customerId: input.customerId,
      amount: input.amount,
      paymentMethod: input.paymentMethod,
      leaseUntil: now.getTime() + (deps.leaseMs ?? AUTHORIZATION_LEASE_MS),
    },
    now,
  );
  // No read first: a repetition's conditional put hands back the payment already there.
  const created = await deps.payments.create(pending);
  if (created.created) return complete(deps, pending, input);
  if (!created.payment) throw new Error(`the payment of order ${input.orderId} exists but cannot be read`);
  return settle(deps, created.payment, input);
};

/** An existing payment: its outcome, once the authorization in flight (if any) is done. */
const settle = async (deps: PaymentDeps, found: Payment, input: AuthorizePaymentInput): Promise<Payment> => {
  const mismatch = mismatchedFields(found, input);
  if (mismatch.length > 0) throw new PaymentRequestMismatchError(input.orderId, mismatch);
  const wait = deps.waitForWinner ?? DEFAULT_WAIT;
  let current = found;
  for (let attempt = 0; ; attempt++) {
    if (current.status === 'DECLINED') {
      throw new PaymentDeclinedError(current.declineCode ?? 'declined', current.declineReason ?? 'declined');
    }
    if (current.status !== 'PENDING') return current;
    const now = nowOf(deps);
    if (isLeaseFree(current, now)) {
      const owned = takeLease(current, now.getTime() + (deps.leaseMs ?? AUTHORIZATION_LEASE_MS), now);
      if (await deps.payments.update(current, owned)) return complete(deps, owned, input);
    } else {
      if (attempt >= wait.attempts) throw new PaymentInProgressError(input.orderId);
      await sleep(wait.intervalMs);
    }
    current = (await deps.payments.findByOrderId(input.orderId)) ?? current;
  }
};

/** Calls the provider for a payment this call owns, and records the outcome. */
const complete = async (
  deps: PaymentDeps,
  owned: Payment,
  input: AuthorizePaymentInput,
): Promise<Payment> => {
  let result: Awaited<ReturnType<PaymentDeps['provider']['authorize']>>;
  try {
    result = await deps.provider.authorize({
      idempotencyKey: authorizationKey(owned.orderId),
      amount: owned.amount,
      paymentMethod: owned.paymentMethod,
      orderId: owned.orderId,
    });
  } catch (error) {
    if (!(error instanceof ProviderUnavailableError)) throw error;
    // Hand the payment back at once so the saga's retry need not wait for the lease to expire.
    await deps.payments.update(owned, releaseLease(owned, nowOf(deps)));
    throw new PaymentProviderUnavailableError(error);
  }
  const now = nowOf(deps);
  const settled = result.approved
    ? approve(owned, result.reference, now)
    : decline(owned, result.reference, result.declineCode, result.reason, now);
  if (!(await deps.payments.update(owned, settled))) {
    // Our lease expired and another call took over; with the same idempotency key it got the same outcome.
    const current = await deps.payments.findByOrderId(owned.orderId);
    if (!current) throw new Error(`the payment of order ${owned.orderId} cannot be read`);
    return settle(deps, current, input);
  }
  if (!result.approved) {
    // Counted here, after the write that recorded the decline: a repeated task replays it uncounted.
    recordMetric(SHOP_METRICS.paymentsDeclined, 1);
    throw new PaymentDeclinedError(result.declineCode, result.reason);
  }
  return settled;
};
