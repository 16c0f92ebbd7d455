import { OrderStatus, OrderStatusReason } from '@shop/contracts/order';
import * as z from 'zod';
import type { Order } from '../domain/order.entity.ts';

/**
 * The stored order: a read checks what it got instead of trusting a cast, so an item written by an
 * older version fails loudly here rather than somewhere downstream. Keys and `kind` are dropped.
 *
 * It checks the shape (members, types, statuses), as the other services' stored items do, not the
 * API's rules for what a shopper may send (trimmed lengths, the email and date formats, ISO codes):
 * the order was checked against those before it was written, and repeating them on every read cost
 * each route that reads one about 15 µs more (the warm benchmark's order routes).
 */
const StoredMoney = z.object({ amount: z.number().int(), currency: z.string() });

/** Orders stored before promotions have no `discount`: zero. */
const StoredTotals = z
  .object({
    subtotal: StoredMoney,
    discount: StoredMoney.optional(),
    shipping: StoredMoney,
    tax: StoredMoney,
    total: StoredMoney,
  })
  .transform((totals) => ({
    ...totals,
    discount: totals.discount ?? { amount: 0, currency: totals.subtotal.currency },
  }));

const OrderItem = z.object({
  id: z.string(),
  customerId: z.string(),
  status: OrderStatus,
  statusReason: OrderStatusReason.optional(),
  lines: z.array(
    z.object({
      sku: z.string(),
      productId: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPrice: StoredMoney,
      lineTotal: StoredMoney,
    }),
  ),
  totals: StoredTotals,
  promotionCode: z.string().optional(),
  shippingAddress: z.object({
    name: z.string(),
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    region: z.string().optional(),
    postalCode: z.string(),
    country: z.string(),
  }),
  paymentMethod: z.string(),
  email: z.string().optional(),
  statusHistory: z.array(
    z.object({
      status: OrderStatus,
      at: z.string(),
      reason: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().min(1),
  requestHash: z.string(),
  priced: z.boolean(),
  cancelAttempts: z.number().int().min(0),
  refundedAmount: StoredMoney.optional(),
  refundIds: z.array(z.string()),
});

export const orderOf = (item: Record<string, unknown>): Order => OrderItem.parse(item);
