import type { Money } from '@shop/contracts';
import {
  discountOf,
  PromotionRedeemed,
  PromotionReleased,
  type RedeemPromotionInput,
  type RedeemPromotionOutput,
  type ReleasePromotionOutput,
} from '@shop/contracts/promotions';
import { nowOf } from '@shop/platform/clock';
import { createEvent } from '@shop/platform/outbox';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { type Redemption, refusalOf } from '../domain/promotion.entity.ts';
import {
  PromotionExhaustedError,
  PromotionUnavailableError,
  PromotionWriteConflictError,
} from '../domain/promotions.errors.ts';
import type { PromotionsDeps } from './promotions.deps.ts';

/** Many checkouts redeem one hot code at once: spread the retries of the losers. */
const HOT_ITEM_BACKOFF = { initialDelayMs: 10, maxDelayMs: 400 } as const;
const MAX_REDEEM_ATTEMPTS = 8;

const subtotalOf = (lines: RedeemPromotionInput['lines']): Money => ({
  amount: lines.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0),
  currency: lines[0]?.unitPrice.currency ?? 'USD',
});

const outputOf = (redemption: Redemption): RedeemPromotionOutput => ({
  orderId: redemption.orderId,
  code: redemption.code,
  discount: redemption.discount,
});

/**
 * Redeems the order's code on the subtotal of its reserved lines: one transaction counts it against
 * `maxRedemptions` and the customer's `maxPerCustomer` and records the redemption (once per order, so
 * a repeated task answers the first redemption). A losing racer re-reads and decides again.
 *
 * @throws PromotionExhaustedError when a limit is reached, PromotionUnavailableError when the code is
 *   unknown, inactive, outside its dates or the subtotal is below its minimum.
 */
export const redeemPromotion = (
  deps: PromotionsDeps,
  input: RedeemPromotionInput,
): Promise<RedeemPromotionOutput> =>
  retryLostRaces(
    async () => {
      const existing = await deps.redemptions.getRedemption(input.orderId);
      if (existing) return outputOf(existing);
      const promotion = await deps.promotions.get(input.code.toUpperCase());
      if (!promotion)
        throw new PromotionUnavailableError('NOT_FOUND', `promotion ${input.code} does not exist`);
      const now = nowOf(deps);
      const subtotal = subtotalOf(input.lines);
      const customerRedemptions =
        promotion.maxPerCustomer === undefined
          ? undefined
          : await deps.promotions.customerRedemptions(promotion.code, input.customerId);
      const refusal = refusalOf(promotion, {
        subtotal,
        now,
        ...(customerRedemptions === undefined ? {} : { customerRedemptions }),
      });
      if (refusal?.reason === 'EXHAUSTED') throw new PromotionExhaustedError(refusal.detail);
      if (refusal) throw new PromotionUnavailableError(refusal.reason, refusal.detail);
      const redemption: Redemption = {
        orderId: input.orderId,
        code: promotion.code,
        customerId: input.customerId,
        discount: discountOf({ ...promotion, minSubtotal: promotion.minSubtotal }, subtotal),
        status: 'REDEEMED',
        redeemedAt: now.toISOString(),
      };
      const event = createEvent(
        PromotionRedeemed,
        {
          code: redemption.code,
          orderId: redemption.orderId,
          customerId: redemption.customerId,
          discount: redemption.discount,
        },
        { source: deps.source, correlationId: input.orderId },
        now,
      );
      const result = await deps.redemptions.redeem(promotion, redemption, [event]);
      if (result === 'redeemed') return outputOf(redemption);
      if (result === 'refused-by-customer') {
        throw new PromotionExhaustedError(
          `promotion ${promotion.code} can be used ${promotion.maxPerCustomer} times per customer`,
        );
      }
      // `exists`: a concurrent run of this task won; `refused-by-promotion`: the promotion changed
      // since it was read (another order took the last redemption): decide again on a fresh read.
      return LOST_RACE;
    },
    {
      maxAttempts: MAX_REDEEM_ATTEMPTS,
      backoff: HOT_ITEM_BACKOFF,
      onExhausted: () => new PromotionWriteConflictError(input.code),
    },
  );

/** Gives the order's redemption back (idempotent; an order that redeemed nothing is `not-redeemed`). */
export const releasePromotion = (deps: PromotionsDeps, orderId: string): Promise<ReleasePromotionOutput> =>
  retryLostRaces(
    async () => {
      const redemption = await deps.redemptions.getRedemption(orderId);
      if (!redemption) return { orderId, outcome: 'not-redeemed' as const };
      if (redemption.status === 'RELEASED') return { orderId, outcome: 'already-released' as const };
      const now = nowOf(deps);
      const event = createEvent(
        PromotionReleased,
        { code: redemption.code, orderId, customerId: redemption.customerId },
        { source: deps.source, correlationId: orderId },
        now,
      );
      const result = await deps.redemptions.release(redemption, now, [event]);
      if (result === true) return { orderId, outcome: 'released' as const };
      return LOST_RACE;
    },
    { backoff: HOT_ITEM_BACKOFF, onExhausted: () => new PromotionWriteConflictError(orderId) },
  );
