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
  /**
   * Stores a new payment unless the order already has one, and then returns that one (one write
   * either way; `payment` undefined only if the stored item vanished).
   */
  create(
    payment: Payment,
  ): Promise<{ readonly created: true } | { readonly created: false; readonly payment: Payment | undefined }>;
  /**
   * Replaces `previous` with `next`, and stores `events` in the outbox, in one transaction, only if the
   * stored payment still has `previous`'s status and version; `false` when it changed meanwhile.
   */
  update(previous: Payment, next: Payment, events?: readonly EventEnvelope[]): Promise<boolean>;
}
