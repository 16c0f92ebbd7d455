import type { OrderStatus } from '@shop/contracts/order';

/** Where orders stand, as the order service says (its `orderStatuses` function). */
export interface OrderStatusReader {
  /** The status of each order the order service knows, by id; unknown ids are absent. At most 100 ids. */
  statusesOf(orderIds: readonly string[]): Promise<Map<string, OrderStatus>>;
}
