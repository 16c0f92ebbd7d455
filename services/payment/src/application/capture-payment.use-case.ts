import { PaymentCaptured } from '@shop/contracts/payment';
import { nowOf } from '@shop/platform/clock';
import { recordMetric, SHOP_METRICS } from '@shop/platform/observability';
import { createEvent } from '@shop/platform/outbox';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { capture, type Payment } from '../domain/payment.entity.ts';
import { PaymentInProgressError, PaymentNotFoundError } from '../domain/payment.errors.ts';
import type { Origin, PaymentDeps } from './payment.deps.ts';
import { callProvider } from './provider-call.ts';

/**
 * Captures the order's authorized amount and publishes `payment.captured` in the same transaction.
 * Repeating it (or racing it) returns the captured payment: the provider gets the same idempotency
 * key, and only the call whose conditional write succeeds records the capture and its event.
 *
 * @throws PaymentNotFoundError, InvalidPaymentTransitionError (voided, declined),
 *   PaymentInProgressError, PaymentProviderUnavailableError
 */
export const capturePayment = async (
  deps: PaymentDeps,
  orderId: string,
  origin: Origin,
): Promise<Payment> => {
  let payment = await deps.payments.findByOrderId(orderId);
  return retryLostRaces(
    async () => {
      if (!payment) throw new PaymentNotFoundError(`order ${orderId}`);
      if (payment.status === 'CAPTURED' || payment.status === 'REFUNDED') return payment;
      if (payment.status === 'PENDING') throw new PaymentInProgressError(orderId);
      capture(payment, nowOf(deps)); // refuses VOIDED and DECLINED before the provider is called
      const authorized = payment;
      await callProvider('capture', authorized.status, () =>
        deps.provider.capture({
          idempotencyKey: `capture:${orderId}`,
          reference: authorized.providerReference ?? '',
          amount: authorized.amount,
        }),
      );
      const captured = capture(authorized, nowOf(deps));
      const event = createEvent(
        PaymentCaptured,
        { orderId, paymentId: authorized.id, amount: authorized.amount },
        { source: deps.source, correlationId: origin.correlationId },
      );
      if (await deps.payments.update(authorized, captured, [event])) {
        recordMetric(SHOP_METRICS.revenueCaptured, authorized.amount.amount, {
          currency: authorized.amount.currency,
        });
        return captured;
      }
      payment = await deps.payments.findByOrderId(orderId);
      return LOST_RACE;
    },
    {
      onExhausted: () =>
        payment ? new PaymentInProgressError(orderId) : new PaymentNotFoundError(`order ${orderId}`),
    },
  );
};
