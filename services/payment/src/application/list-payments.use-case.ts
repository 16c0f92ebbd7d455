import type { Payment } from '../domain/payment.entity.ts';
import type { PaymentDeps } from './payment.deps.ts';

export interface Reader {
  readonly sub: string;
  readonly roles: readonly string[];
}

export interface ListPaymentsQuery {
  readonly orderId: string;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The payments of an order as the reader may see them: all of them for an admin, the owner's for the
 * owner, and an empty list for anyone else, so that a stranger cannot even learn that the order exists.
 */
export const listPayments = async (
  deps: Pick<PaymentDeps, 'payments'>,
  reader: Reader,
  query: ListPaymentsQuery,
): Promise<{ items: Payment[]; nextCursor?: string }> => {
  const page = await deps.payments.listByOrderId(query.orderId, {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  if (reader.roles.includes('admin')) return page;
  const own = page.items.filter((payment) => payment.customerId === reader.sub);
  if (own.length === 0) return { items: [] };
  return { items: own, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
};
