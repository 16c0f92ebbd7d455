import { createOrderViewFunction } from '../application/order-view.use-case.ts';
import { createOrderDepsFromEnv } from '../composition-root.ts';

/** Internal function `order.orderView`, invoked directly by the notifications service (Lambda Invoke). */
export const handler = createOrderViewFunction(createOrderDepsFromEnv());
