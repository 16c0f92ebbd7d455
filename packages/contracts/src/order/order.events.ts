import * as z from 'zod';
import { defineEvent } from '../events/event-envelope.schema.ts';
import { Money } from '../money/money.schema.ts';

const EventLine = z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) });

/**
 * `order.confirmed` v1: the checkout saga confirmed an order (stock reserved, payment authorized).
 * The catalog turns the order's reservation into a sale; the cart empties itself.
 */
export const OrderConfirmed = defineEvent(
  'order.confirmed',
  1,
  z.object({
    orderId: z.string().min(1).max(128),
    customerId: z.string().min(1),
    lines: z.array(EventLine).min(1),
    total: Money,
  }),
);
export type OrderConfirmedData = z.infer<typeof OrderConfirmed.data>;

/**
 * `order.rejected` v1: the checkout saga rejected a pending order (out of stock, payment declined or
 * failed, checkout failed). Nothing was charged and any reservation was released before this is
 * published; subscribers only react (notifications).
 */
export const OrderRejected = defineEvent(
  'order.rejected',
  1,
  z.object({
    orderId: z.string().min(1).max(128),
    customerId: z.string().min(1),
    /** `OUT_OF_STOCK`, `PAYMENT_DECLINED`, `PAYMENT_FAILED` or `CHECKOUT_FAILED`. */
    reason: z.string().min(1),
    lines: z.array(EventLine).min(1),
    total: Money,
  }),
);
export type OrderRejectedData = z.infer<typeof OrderRejected.data>;

/**
 * `order.cancelled` v1: a confirmed order was cancelled (by its owner or an admin through the cancel
 * saga, or by the checkout saga when the payment could not be captured). Its money has been refunded
 * or voided and its units returned to stock by the saga before this is published; subscribers only
 * react (notifications, analytics).
 */
export const OrderCancelled = defineEvent(
  'order.cancelled',
  1,
  z.object({
    orderId: z.string().min(1).max(128),
    customerId: z.string().min(1),
    /** `CANCELLED_BY_CUSTOMER`, `CANCELLED_BY_ADMIN` or `PAYMENT_FAILED`. */
    reason: z.string().min(1),
    lines: z.array(EventLine).min(1),
    total: Money,
  }),
);
export type OrderCancelledData = z.infer<typeof OrderCancelled.data>;
