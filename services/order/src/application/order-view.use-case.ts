import { OrderView } from '@shop/contracts/order';
import { defineInvokedFunction } from '@shop/platform/task';
import type { OrderDeps } from './order.deps.ts';
import { toOrderDto } from './order-view.mapper.ts';

/**
 * The internal `orderView` function (Lambda Invoke by the notifications service): the order as its
 * owner sees it, or `null`. Callers are other services, trusted with any order: no reader check.
 */
export const createOrderViewFunction = (deps: Pick<OrderDeps, 'orders'>) =>
  defineInvokedFunction({
    contract: OrderView,
    errors: [],
    run: async ({ orderId }) => {
      const order = await deps.orders.get(orderId);
      return { order: order ? toOrderDto(order) : null };
    },
  });
