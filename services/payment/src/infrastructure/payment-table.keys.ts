import type { Payment } from '../domain/payment.entity.ts';

/** Key layout of the payment table (see the README's access-pattern table). */
export const paymentKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'PAYMENT' });
export const paymentIdIndexKey = (paymentId: string) => ({
  gsi1pk: `PAYMENT#${paymentId}`,
  gsi1sk: 'PAYMENT',
});
export const PAYMENT_SK_PREFIX = 'PAYMENT';
export const BY_PAYMENT_ID = 'gsi1';

/** The item of a payment: its keys, index keys and `kind`, then the payment itself. */
export const paymentItemOf = (payment: Payment): Record<string, unknown> => ({
  ...paymentKey(payment.orderId),
  ...paymentIdIndexKey(payment.id),
  kind: 'payment',
  ...payment,
});
