import { nowOf } from '@shop/platform/clock';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { type Payment, voidAuthorization } from '../domain/payment.entity.ts';
import { PaymentInProgressError } from '../domain/payment.errors.ts';
import type { PaymentDeps } from './payment.deps.ts';
import { callProvider } from './provider-call.ts';

/**
 * Releases the order's authorization. Nothing to do (and `undefined`) when the order has no payment;
 * a declined or already voided payment is returned as it is.
 *
 * @throws InvalidPaymentTransitionError (captured or refunded: refund instead), PaymentInProgressError,
 *   PaymentProviderUnavailableError
 */
export const voidPayment = async (
  deps: PaymentDeps,
  orderId: string,
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
      await callProvider('void', authorized.status, () =>
        deps.provider.void({
          idempotencyKey: `void:${orderId}`,
          reference: authorized.providerReference ?? '',
        }),
      );
      const voided = voidAuthorization(authorized, reason, nowOf(deps));
      if (await deps.payments.update(authorized, voided)) return voided;
      payment = await deps.payments.findByOrderId(orderId);
      return LOST_RACE;
    },
    { onExhausted: () => new PaymentInProgressError(orderId) },
  );
};
