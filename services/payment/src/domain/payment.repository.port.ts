import type { EventEnvelope } from '@shop/contracts';
import type { Payment } from './payment.entity.ts';

export interface PaymentPageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface PaymentPageResult {
  readonly items: Payment[];
  readonly nextCursor?: string;
}

/** Where payments live. One payment per order: the order id is its identity for the saga tasks. */
export interface PaymentRepository {
  /** Strongly consistent. */
  findByOrderId(orderId: string): Promise<Payment | undefined>;
  findById(paymentId: string): Promise<Payment | undefined>;
  /** Throws `InvalidCursorError` for a cursor this list did not issue. */
  listByOrderId(orderId: string, page: PaymentPageRequest): Promise<PaymentPageResult>;
  /** Stores a new payment unless the order already has one; `false` when another call got there first. */
  create(payment: Payment): Promise<boolean>;
  /**
   * Replaces `previous` with `next`, and stores `events` in the outbox, in one transaction, only if the
   * stored payment still has `previous`'s status and version; `false` when it changed meanwhile.
   */
  update(previous: Payment, next: Payment, events?: readonly EventEnvelope[]): Promise<boolean>;
}
