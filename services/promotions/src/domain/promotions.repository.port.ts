import type { EventEnvelope } from '@shop/contracts';
import type { Promotion, Redemption } from './promotion.entity.ts';

export interface PromotionPageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface PromotionPageResult {
  readonly items: Promotion[];
  readonly nextCursor?: string;
}

/**
 * What a redemption attempt found: `redeemed`; `exists` (this order redeemed already: its first
 * redemption stands); `refused-by-promotion` (the promotion item's condition failed: it is used up,
 * inactive or out of its dates now; read it again to say which); `refused-by-customer` (the
 * customer's `maxPerCustomer` is reached); `conflict` (a concurrent transaction on the same items).
 */
export type RedeemResult =
  | 'redeemed'
  | 'exists'
  | 'refused-by-promotion'
  | 'refused-by-customer'
  | 'conflict';

export interface PromotionRepository {
  get(code: string): Promise<Promotion | undefined>;
  /** False when a promotion with the code exists. */
  create(promotion: Promotion): Promise<boolean>;
  /** Conditional on `previous.version`; false when another writer got there first. */
  update(previous: Promotion, next: Promotion): Promise<boolean>;
  /** Every promotion, by code. */
  list(page: PromotionPageRequest): Promise<PromotionPageResult>;
  /** Orders of the customer holding the code now. */
  customerRedemptions(code: string, customerId: string): Promise<number>;
}

export interface RedemptionRepository {
  getRedemption(orderId: string): Promise<Redemption | undefined>;
  /**
   * In one transaction: one more redemption of the promotion (conditioned on it being active, in its
   * dates and under `maxRedemptions` at that instant), one more for the customer (under
   * `maxPerCustomer`), the redemption item (once per order) and its events.
   */
  redeem(
    promotion: Promotion,
    redemption: Redemption,
    events: readonly EventEnvelope[],
  ): Promise<RedeemResult>;
  /** Gives a redemption back in one transaction with both counts; false when it is released already. */
  release(redemption: Redemption, now: Date, events: readonly EventEnvelope[]): Promise<boolean | 'conflict'>;
}
