import type { Payment as PaymentDto } from '@shop/contracts/payment';
import type { Payment } from '../domain/payment.entity.ts';

/** The public shape: internal fields (owner, lease, version, refund records) stay inside. */
export const toPaymentDto = (payment: Payment): PaymentDto => ({
  id: payment.id,
  orderId: payment.orderId,
  amount: payment.amount,
  capturedAmount: payment.capturedAmount,
  refundedAmount: payment.refundedAmount,
  status: payment.status,
  paymentMethod: payment.paymentMethod,
  providerReference: payment.providerReference,
  history: payment.history.map((entry) => ({
    status: entry.status,
    at: entry.at,
    ...(entry.reason ? { reason: entry.reason } : {}),
  })),
  createdAt: payment.createdAt,
  updatedAt: payment.updatedAt,
});
