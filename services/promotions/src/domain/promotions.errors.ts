import type { PromotionRefusal } from '@shop/contracts/promotions';
import { ConflictError, NotFoundError } from '@shop/platform/errors';

/** A promotion with this code exists already (codes are case-insensitive). */
export class PromotionExistsError extends ConflictError {
  override readonly code = 'PROMOTION.EXISTS';

  constructor(code: string) {
    super(`promotion ${code} exists already`);
  }
}

export class PromotionNotFoundError extends NotFoundError {
  override readonly code = 'PROMOTION.NOT_FOUND';

  constructor(code: string) {
    super(`promotion ${code} does not exist`);
  }
}

/** `RedeemPromotion`: the code's `maxRedemptions`, or the customer's `maxPerCustomer`, is reached. */
export class PromotionExhaustedError extends ConflictError {
  override readonly code = 'PROMOTION.EXHAUSTED';
}

/** `RedeemPromotion`: the code cannot be used by this order (unknown, inactive, dates, minimum). */
export class PromotionUnavailableError extends ConflictError {
  override readonly code: string;

  constructor(reason: PromotionRefusal, detail: string) {
    super(detail);
    this.code = `PROMOTION.${reason}`;
  }
}

/** A write kept losing races to other writers of the same promotion. */
export class PromotionWriteConflictError extends ConflictError {
  override readonly code = 'PROMOTION.WRITE_CONFLICT';

  constructor(code: string) {
    super(`promotion ${code} is being changed by other requests; try again`);
  }
}
