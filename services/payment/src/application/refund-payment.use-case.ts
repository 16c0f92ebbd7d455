import type { Money } from '@shop/contracts';
import { PaymentRefunded } from '@shop/contracts/payment';
import { nowOf } from '@shop/platform/clock';
import { createEvent } from '@shop/platform/outbox';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { applyRefund, type Payment, refundAmountFor } from '../domain/payment.entity.ts';
import {
  InvalidPaymentTransitionError,
  PaymentInProgressError,
  PaymentNotFoundError,
  PaymentProviderUnavailableError,
} from '../domain/payment.errors.ts';
import { ProviderRejectedError, ProviderUnavailableError } from '../domain/payment-provider.port.ts';
import type { Origin, PaymentDeps } from './payment.deps.ts';

export interface RefundCommand {
  /** Identifies this refund: repeating a refund id returns the payment without refunding again. */
  readonly refundId: string;
  /** Absent: everything left of the captured amount. */
  readonly amount?: Money;
  readonly reason?: string;
}

/**
 * Refunds (part of) a captured payment and publishes `payment.refunded` in the same transaction.
 * The provider is the authority on how much is left: two concurrent refunds that together exceed the
 * captured amount cannot both pass it, and the one that passes is then recorded here, re-reading the
 * payment if a concurrent refund changed it first.
 *
 * @throws InvalidPaymentTransitionError (not captured, already fully refunded), RefundExceedsCapturedError,
 *   InvalidRefundAmountError, PaymentProviderUnavailableError
 */
export const refundPayment = async (
  deps: PaymentDeps,
  found: Payment,
  command: RefundCommand,
  origin: Origin,
): Promise<Payment> => {
  let payment: Payment | undefined = found;
  return retryLostRaces(
    async () => {
      if (!payment) throw new PaymentNotFoundError(`order ${found.orderId}`);
      if (payment.refunds[command.refundId]) return payment;
      const current: Payment = payment;
      const amount = refundAmountFor(current, command.amount);
      let receipt: { reference: string };
      try {
        receipt = await deps.provider.refund({
          idempotencyKey: `refund:${current.id}:${command.refundId}`,
          reference: current.providerReference ?? '',
          amount,
        });
      } catch (error) {
        if (error instanceof ProviderUnavailableError) throw new PaymentProviderUnavailableError(error);
        if (!(error instanceof ProviderRejectedError)) throw error;
        // Our copy may be behind the provider (a concurrent refund): decide again on a fresh read.
        const fresh = await deps.payments.findByOrderId(current.orderId);
        if (fresh && fresh.version !== current.version) {
          payment = fresh;
          return LOST_RACE;
        }
        throw new InvalidPaymentTransitionError(
          'refund',
          current.status,
          `the provider refused the refund: ${error.code}`,
        );
      }
      const refunded = applyRefund(
        current,
        {
          refundId: command.refundId,
          amount,
          providerReference: receipt.reference,
          ...(command.reason ? { reason: command.reason } : {}),
        },
        nowOf(deps),
      );
      const event = createEvent(
        PaymentRefunded,
        {
          orderId: current.orderId,
          paymentId: current.id,
          refundId: command.refundId,
          amount,
          refundedAmount: refunded.refundedAmount,
          fullyRefunded: refunded.status === 'REFUNDED',
          ...(command.reason ? { reason: command.reason } : {}),
        },
        { source: deps.source, correlationId: origin.correlationId },
      );
      if (await deps.payments.update(current, refunded, [event])) return refunded;
      payment = await deps.payments.findByOrderId(current.orderId);
      return LOST_RACE;
    },
    {
      onExhausted: () =>
        payment
          ? new PaymentInProgressError(found.orderId)
          : new PaymentNotFoundError(`order ${found.orderId}`),
    },
  );
};

/** `POST /payments/{paymentId}/refund`. */
export const refundPaymentById = async (
  deps: PaymentDeps,
  paymentId: string,
  command: RefundCommand,
  origin: Origin,
): Promise<Payment> => {
  const payment = await deps.payments.findById(paymentId);
  if (!payment) throw new PaymentNotFoundError(`payment ${paymentId}`);
  return refundPayment(deps, payment, command, origin);
};
