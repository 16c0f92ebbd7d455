import type { Payment } from '../domain/payment.entity.ts';

/** Key layout of the payment table (see the README's access-pattern table). */
export const paymentKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'PAYMENT' });
export const paymentIdIndexKey = (paymentId: string) => ({
  gsi1pk: `PAYMENT#${paymentId}`,
  gsi1sk: 'PAYMENT',
});
export const PAYMENT_SK_PREFIX = 'PAYMENT';

export const toItem = (payment: Payment): Record<string, unknown> => ({
  ...paymentKey(payment.orderId),
  ...paymentIdIndexKey(payment.id),
  kind: 'payment',
  ...payment,
});

export const fromItem = (item: Record<string, unknown>): Payment => {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, kind: _kind, ...payment } = item;
  // The table is written only through toItem, so its items have the Payment shape.
  return payment as unknown as Payment;
};
