import * as z from 'zod';
import { defineInternalFunction } from '../internal/internal-function.ts';
import { Order, OrderId } from './order.schemas.ts';

/** The function reference a caller's definition lists in `invokes`. */
export const ORDER_VIEW_FUNCTION = 'order.orderView';

/**
 * The order service's internal `orderView` function (Lambda Invoke, never public): one order as its
 * owner sees it (`GET /orders/{orderId}`), or `null` when there is none. The notifications service
 * reads the lines, totals and address of the order an event names with it.
 */
export const OrderView = defineInternalFunction({
  ref: ORDER_VIEW_FUNCTION,
  input: z.object({ orderId: OrderId }),
  output: z.object({ order: Order.nullable() }),
});
export type OrderViewInput = z.infer<typeof OrderView.input>;
export type OrderViewOutput = z.infer<typeof OrderView.output>;
