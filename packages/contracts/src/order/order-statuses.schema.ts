import * as z from 'zod';
import { defineInternalFunction } from '../internal/internal-function.ts';
import { OrderId, OrderStatus } from './order.schemas.ts';

/** The function reference a caller's definition lists in `invokes`. */
export const ORDER_STATUSES_FUNCTION = 'order.orderStatuses';

/** At most this many orders per call: one BatchGetItem. */
export const MAX_ORDER_STATUSES = 100;

export const OrderStatusesInput = z.object({
  orderIds: z.array(OrderId).min(1).max(MAX_ORDER_STATUSES),
});
export type OrderStatusesInput = z.infer<typeof OrderStatusesInput>;

/** The status of each order found; an id the order service does not know is left out. */
export const OrderStatusesOutput = z.object({
  orders: z.array(z.object({ orderId: OrderId, status: OrderStatus })),
});
export type OrderStatusesOutput = z.infer<typeof OrderStatusesOutput>;

/**
 * `orderStatuses` as a contract: where some orders stand, for a service that holds something on their
 * behalf (the catalog's expired stock reservations).
 */
export const OrderStatuses = defineInternalFunction({
  ref: ORDER_STATUSES_FUNCTION,
  input: OrderStatusesInput,
  output: OrderStatusesOutput,
});
