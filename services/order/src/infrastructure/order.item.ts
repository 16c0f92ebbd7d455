import type { OrderStatus } from '@shop/contracts/order';
import type { Order } from '../domain/order.entity.ts';

/** Key layout of the order table (see the README's access-pattern table). */
export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
export const customerPartition = (customerId: string) => `CUSTOMER#${customerId}`;
export const statusPartition = (status: OrderStatus) => `STATUS#${status}`;
/** Creation time then id: newest first when read backwards, unique even for orders of the same millisecond. */
const bySortTime = (order: Order) => `${order.createdAt}#${order.id}`;

export const toItem = (order: Order): Record<string, unknown> => ({
  ...orderKey(order.id),
  gsi1pk: customerPartition(order.customerId),
  gsi1sk: bySortTime(order),
  gsi2pk: statusPartition(order.status),
  gsi2sk: bySortTime(order),
  kind: 'order',
  ...order,
});

export const fromItem = (item: Record<string, unknown>): Order => {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _gsi1pk,
    gsi1sk: _gsi1sk,
    gsi2pk: _gsi2pk,
    gsi2sk: _gsi2sk,
    kind: _kind,
    ...order
  } = item;
  // The table is written only through toItem, so its items have the Order shape.
  return order as unknown as Order;
};
