import { Money } from '@shop/contracts';
import {
  CustomerEmail,
  OrderLine,
  OrderStatus,
  OrderStatusEntry,
  OrderStatusReason,
  OrderTotals,
  ShippingAddress,
} from '@shop/contracts/order';
import * as z from 'zod';
import type { Order } from '../domain/order.entity.ts';

/**
 * The stored order: a read checks what it got instead of trusting a cast, so an item written by an
 * older version fails loudly here rather than somewhere downstream. Keys and `kind` are dropped.
 */
/** Orders stored before promotions have no `discount`: zero. */
const StoredTotals = OrderTotals.extend({ discount: Money.optional() }).transform((totals) => ({
  ...totals,
  discount: totals.discount ?? { amount: 0, currency: totals.subtotal.currency },
}));

const OrderItem = z.object({
  id: z.string(),
  customerId: z.string(),
  status: OrderStatus,
  statusReason: OrderStatusReason.optional(),
  lines: z.array(OrderLine),
  totals: StoredTotals,
  promotionCode: z.string().optional(),
  shippingAddress: ShippingAddress,
  paymentMethod: z.string(),
  email: CustomerEmail.optional(),
  statusHistory: z.array(OrderStatusEntry),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().min(1),
  requestHash: z.string(),
  priced: z.boolean(),
  cancelAttempts: z.number().int().min(0),
  refundedAmount: Money.optional(),
  refundIds: z.array(z.string()),
});

export const orderOf = (item: Record<string, unknown>): Order => OrderItem.parse(item);
