import type { EventEnvelope } from '@shop/contracts';
import type { OrderStatus } from '@shop/contracts/order';
import type { Order } from './order.entity.ts';

export interface OrderPageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface OrderPageResult {
  readonly items: Order[];
  readonly nextCursor?: string;
}

export interface OrderRepository {
  get(orderId: string): Promise<Order | undefined>;
  /** Creates the order unless one with its id exists; false when it does. */
  create(order: Order): Promise<boolean>;
  /**
   * Replaces `previous` by `next` if nobody changed it since it was read (same version), and puts the
   * events in the outbox in the same transaction. False when the order changed meanwhile.
   */
  update(previous: Order, next: Order, events?: readonly EventEnvelope[]): Promise<boolean>;
  /** A customer's orders, newest first. */
  listByCustomer(customerId: string, page: OrderPageRequest): Promise<OrderPageResult>;
  /** Every order in a status, newest first. */
  listByStatus(status: OrderStatus, page: OrderPageRequest): Promise<OrderPageResult>;
  /**
   * Orders in a status placed before `before` (ISO 8601), oldest first, at most `limit`: what the
   * reconciler looks at. Read from an index, so eventually consistent: re-read an order before acting.
   */
  listPlacedBefore(status: OrderStatus, before: string, limit: number): Promise<Order[]>;
  /** The orders of these ids that exist (strongly consistent), in no particular order. At most 100 ids. */
  getMany(orderIds: readonly string[]): Promise<Order[]>;
}
