import type { OrderStatus } from '@shop/contracts/order';
import { canRead, type Order } from '../domain/order.entity.ts';
import { OrderNotFoundError } from '../domain/order.errors.ts';
import type { OrderPageRequest, OrderPageResult } from '../domain/order.repository.port.ts';
import type { OrderDeps, Reader } from './order.deps.ts';

/** The order, for its owner or an admin; anyone else gets the same 404 as for a missing order. */
export const getOrder = async (deps: OrderDeps, reader: Reader, orderId: string): Promise<Order> => {
  const order = await deps.orders.get(orderId);
  if (!order || !canRead(order, reader)) throw new OrderNotFoundError(orderId);
  return order;
};

/** The reader's own orders, newest first. */
export const listMyOrders = (
  deps: OrderDeps,
  reader: Reader,
  page: OrderPageRequest,
): Promise<OrderPageResult> => deps.orders.listByCustomer(reader.sub, page);

/** Every order in a status, newest first (admins; the route checks the role). */
export const listOrdersByStatus = (
  deps: OrderDeps,
  status: OrderStatus,
  page: OrderPageRequest,
): Promise<OrderPageResult> => deps.orders.listByStatus(status, page);

/** `orderStatuses`: where some orders stand (the catalog asks about the reservations it holds for them). */
export const orderStatuses = async (
  deps: OrderDeps,
  orderIds: readonly string[],
): Promise<{ orders: { orderId: string; status: OrderStatus }[] }> => ({
  orders: (await deps.orders.getMany(orderIds)).map((order) => ({ orderId: order.id, status: order.status })),
});
