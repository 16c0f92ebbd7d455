import type { Order as OrderDto } from '@shop/contracts/order';
import type { Order } from '../domain/order.entity.ts';

/** The public shape: internal fields (version, request hash, refund ids...) stay inside. */
export const toOrderDto = (order: Order): OrderDto => ({
  id: order.id,
  customerId: order.customerId,
  status: order.status,
  ...(order.statusReason ? { statusReason: order.statusReason } : {}),
  lines: order.lines.map((line) => ({ ...line })),
  totals: order.totals,
  ...(order.promotionCode ? { promotionCode: order.promotionCode } : {}),
  shippingAddress: order.shippingAddress,
  paymentMethod: order.paymentMethod,
  ...(order.email ? { email: order.email } : {}),
  ...(order.refundedAmount ? { refundedAmount: order.refundedAmount } : {}),
  statusHistory: order.statusHistory.map((entry) => ({ ...entry })),
  createdAt: order.createdAt,
  updatedAt: order.updatedAt,
});

export const toOrderPage = (page: { items: readonly Order[]; nextCursor?: string }) => ({
  items: page.items.map(toOrderDto),
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});
