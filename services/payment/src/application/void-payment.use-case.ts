import { nowOf } from '@shop/platform/clock';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { type Payment, voidAuthorization } from '../domain/payment.entity.ts';
import { PaymentCapturedError, PaymentInProgressError } from '../domain/payment.errors.ts';
import { CHARGE_CAPTURED, ProviderRejectedError } from '../domain/payment-provider.port.ts';
import { capturePayment } from './capture-payment.use-case.ts';
import type { Origin, PaymentDeps } from './payment.deps.ts';
import { callProvider } from './provider-call.ts';

/**
 * Releases the order's authorization. Nothing to do (and `undefined`) when the order has no payment;
 * a declined or already voided payment is returned as it is.
 *
 * The provider is the truth about the charge: when it refuses the void because it has captured the
 * charge (a capture whose answer was lost: its function died or timed out after the provider's
 * reply, leaving the payment `AUTHORIZED` here), the capture is recorded first, replayed under its
 * own idempotency key so no money moves again, with its `payment.captured` event; then the void is
 * refused with {@link PaymentCapturedError}.
 *
 * @throws InvalidPaymentTransitionError (captured or refunded: refund instead), PaymentCapturedError,
 *   PaymentInProgressError, PaymentProviderUnavailableError
 */
export const voidPayment = async (
  deps: PaymentDeps,
  orderId: string,
  origin: Origin,
  reason = 'authorization voided',
): Promise<Payment | undefined> => {
  let payment = await deps.payments.findByOrderId(orderId);
  return retryLostRaces<Payment | undefined>(
    async () => {
      if (!payment) return undefined;
      if (payment.status === 'VOIDED' || payment.status === 'DECLINED') return payment;
      if (payment.status === 'PENDING') throw new PaymentInProgressError(orderId);
      voidAuthorization(payment, reason, nowOf(deps)); // refuses CAPTURED and REFUNDED before the provider is called
      const authorized = payment;
      const capturedByProvider = await callProvider('void', authorized.status, async () => {
        try {
          await deps.provider.void({
            idempotencyKey: `void:${orderId}`,
            reference: authorized.providerReference ?? '',
          });
          return false;
        } catch (error) {
          if (error instanceof ProviderRejectedError && error.code === CHARGE_CAPTURED) return true;
          throw error;
        }
      });
      if (capturedByProvider) throw new PaymentCapturedError(await capturePayment(deps, orderId, origin));
      const voided = voidAuthorization(authorized, reason, nowOf(deps));
      if (await deps.payments.update(authorized, voided)) return voided;
      payment = await deps.payments.findByOrderId(orderId);
      return LOST_RACE;
    },
    { onExhausted: () => new PaymentInProgressError(orderId) },
  );
};
