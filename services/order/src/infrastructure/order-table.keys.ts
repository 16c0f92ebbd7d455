import type { OrderStatus } from '@shop/contracts/order';
import type { Order } from '../domain/order.entity.ts';

/** Key layout of the order table (see the README's access-pattern table). */
export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
export const customerPartition = (customerId: string) => `CUSTOMER#${customerId}`;
export const statusPartition = (status: OrderStatus) => `STATUS#${status}`;
/** Creation time then id: newest first when read backwards, unique even for orders of the same millisecond. */
const bySortTime = (order: Order) => `${order.createdAt}#${order.id}`;

export const BY_CUSTOMER = { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' } as const;
export const BY_STATUS = { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' } as const;

/** The item of an order: its keys, index keys and `kind`, then the order itself. */
export const orderItemOf = (order: Order): Record<string, unknown> => ({
  ...orderKey(order.id),
  gsi1pk: customerPartition(order.customerId),
  gsi1sk: bySortTime(order),
  gsi2pk: statusPartition(order.status),
  gsi2sk: bySortTime(order),
  kind: 'order',
  ...order,
});
