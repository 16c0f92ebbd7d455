import type { EventEnvelope } from '@shop/contracts';
import type { OrderStatus } from '@shop/contracts/order';
import type { Order, OrderPricing, StatusChange } from './order.entity.ts';

export interface OrderPageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface OrderPageResult {
  readonly items: Order[];
  readonly nextCursor?: string;
}

/** A conditional write: done, or not, with the order as it stood then (undefined: there was none). */
export type OrderWrite =
  | { readonly written: true; readonly order: Order }
  | { readonly written: false; readonly order: Order | undefined };

export interface OrderRepository {
  get(orderId: string): Promise<Order | undefined>;
  /** Creates the order unless one with its id exists; when it does, returns that one (one write either way). */
  create(order: Order): Promise<OrderWrite>;
  /**
   * Applies `PriceOrder`'s pricing to a `PENDING` order not yet priced, in one conditional write; when
   * the order is not in that state, returns it as it stood (no extra read).
   */
  applyPricing(orderId: string, pricing: OrderPricing): Promise<OrderWrite>;
  /**
   * Moves the order's status, and puts the events in the outbox, in one conditional transaction (the
   * order must be in one of `change.from`); when it is not, returns the order as it stood.
   */
  changeStatus(
    orderId: string,
    change: StatusChange,
    events: readonly EventEnvelope[],
  ): Promise<{ readonly written: true } | { readonly written: false; readonly order: Order | undefined }>;
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
