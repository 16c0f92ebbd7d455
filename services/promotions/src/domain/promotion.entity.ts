import type { Money } from '@shop/contracts';
import {
  type CreatePromotionRequest,
  meetsMinimum,
  type PromotionRefusal,
  type PromotionTerms,
  type UpdatePromotionRequest,
} from '@shop/contracts/promotions';

/** A promotion as the service keeps it; `version` guards every conditional write. */
export type Promotion = PromotionTerms & {
  /** Upper case: codes are case-insensitive. */
  readonly code: string;
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly minSubtotal?: Money;
  readonly maxRedemptions?: number;
  readonly maxPerCustomer?: number;
  readonly active: boolean;
  /** Orders holding the code now: a redemption adds one, its release takes it back. */
  readonly redemptions: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
};

/** One order's use of a code. Released when its checkout fails or the order is cancelled. */
export interface Redemption {
  readonly orderId: string;
  readonly code: string;
  readonly customerId: string;
  readonly discount: Money;
  readonly status: 'REDEEMED' | 'RELEASED';
  readonly redeemedAt: string;
  readonly releasedAt?: string;
}

/**
 * Instants are kept in one format (`toISOString`, milliseconds, `Z`) so that the redemption's
 * condition can compare them with the current time as strings.
 */
const instant = (value: string): string => new Date(value).toISOString();

const optional = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } =>
  (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };

export const newPromotion = (request: CreatePromotionRequest, now: Date): Promotion => {
  const at = now.toISOString();
  const terms: PromotionTerms =
    request.kind === 'percent'
      ? { kind: 'percent', value: request.value }
      : { kind: 'amount', value: request.value };
  return {
    code: request.code,
    ...terms,
    startsAt: request.startsAt ? instant(request.startsAt) : at,
    ...optional('endsAt', request.endsAt && instant(request.endsAt)),
    ...optional('minSubtotal', request.minSubtotal),
    ...optional('maxRedemptions', request.maxRedemptions),
    ...optional('maxPerCustomer', request.maxPerCustomer),
    active: true,
    redemptions: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

/** New dates, limits or activity: `null` removes a limit; the code and its terms stay. */
export const changePromotion = (
  promotion: Promotion,
  change: UpdatePromotionRequest,
  now: Date,
): Promotion => {
  const next: Record<string, unknown> = { ...promotion };
  for (const key of ['endsAt', 'minSubtotal', 'maxRedemptions', 'maxPerCustomer'] as const) {
    const value = change[key];
    if (value === null) delete next[key];
    else if (value !== undefined)
      next[key] = key === 'endsAt' && typeof value === 'string' ? instant(value) : value;
  }
  if (change.startsAt !== undefined) next.startsAt = instant(change.startsAt);
  if (change.active !== undefined) next.active = change.active;
  next.updatedAt = now.toISOString();
  next.version = promotion.version + 1;
  return next as Promotion;
};

/** The terms the discount is computed from. */
export const termsOf = (promotion: Promotion): PromotionTerms =>
  promotion.kind === 'percent'
    ? { kind: 'percent', value: promotion.value }
    : { kind: 'amount', value: promotion.value };

export interface UseContext {
  readonly subtotal: Money;
  readonly now: Date;
  /** Orders of this customer holding the code now; absent for a guest. */
  readonly customerRedemptions?: number;
}

/**
 * Why the code cannot be used in this context, or undefined when it can. Checked in this order:
 * inactive, not yet valid, expired, used up (in all, then by this customer), below the minimum.
 */
export const refusalOf = (
  promotion: Promotion,
  context: UseContext,
): { reason: PromotionRefusal; detail: string } | undefined => {
  const at = context.now.getTime();
  const code = promotion.code;
  if (!promotion.active) return { reason: 'INACTIVE', detail: `promotion ${code} is no longer active` };
  if (Date.parse(promotion.startsAt) > at) {
    return { reason: 'NOT_YET_VALID', detail: `promotion ${code} starts at ${promotion.startsAt}` };
  }
  if (promotion.endsAt !== undefined && Date.parse(promotion.endsAt) <= at) {
    return { reason: 'EXPIRED', detail: `promotion ${code} ended at ${promotion.endsAt}` };
  }
  if (promotion.maxRedemptions !== undefined && promotion.redemptions >= promotion.maxRedemptions) {
    return {
      reason: 'EXHAUSTED',
      detail: `promotion ${code} has been used ${promotion.maxRedemptions} times`,
    };
  }
  if (
    promotion.maxPerCustomer !== undefined &&
    context.customerRedemptions !== undefined &&
    context.customerRedemptions >= promotion.maxPerCustomer
  ) {
    return {
      reason: 'EXHAUSTED',
      detail: `promotion ${code} can be used ${promotion.maxPerCustomer} times per customer`,
    };
  }
  if (promotion.minSubtotal !== undefined && !meetsMinimum(context.subtotal, promotion.minSubtotal)) {
    return {
      reason: 'BELOW_MINIMUM',
      detail: `promotion ${code} needs a subtotal of ${promotion.minSubtotal.amount} ${promotion.minSubtotal.currency}`,
    };
  }
  return undefined;
};
