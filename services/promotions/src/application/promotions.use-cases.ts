import type { Money } from '@shop/contracts';
import {
  type AppliedPromotionTerms,
  type CreatePromotionRequest,
  discountOf,
  type PromotionRefusal,
  type UpdatePromotionRequest,
} from '@shop/contracts/promotions';
import { nowOf } from '@shop/platform/clock';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import {
  changePromotion,
  newPromotion,
  type Promotion,
  refusalOf,
  termsOf,
} from '../domain/promotion.entity.ts';
import {
  PromotionExistsError,
  PromotionNotFoundError,
  PromotionWriteConflictError,
} from '../domain/promotions.errors.ts';
import type { PromotionPageRequest } from '../domain/promotions.repository.port.ts';
import type { PromotionsDeps } from './promotions.deps.ts';

/** @throws PromotionExistsError when the code (in any case) is taken. */
export const createPromotion = async (
  deps: PromotionsDeps,
  request: CreatePromotionRequest,
): Promise<Promotion> => {
  const promotion = newPromotion(request, nowOf(deps));
  if (!(await deps.promotions.create(promotion))) throw new PromotionExistsError(promotion.code);
  return promotion;
};

export const listPromotions = (deps: PromotionsDeps, page: PromotionPageRequest) =>
  deps.promotions.list(page);

/** @throws PromotionNotFoundError, PromotionWriteConflictError */
export const updatePromotion = (deps: PromotionsDeps, code: string, change: UpdatePromotionRequest) =>
  retryLostRaces(
    async () => {
      const current = await deps.promotions.get(code.toUpperCase());
      if (!current) throw new PromotionNotFoundError(code);
      const next = changePromotion(current, change, nowOf(deps));
      return (await deps.promotions.update(current, next)) ? next : LOST_RACE;
    },
    { onExhausted: () => new PromotionWriteConflictError(code) },
  );

export type CheckResult =
  | { readonly outcome: 'applicable'; readonly terms: AppliedPromotionTerms; readonly discount: Money }
  | { readonly outcome: 'refused'; readonly reason: PromotionRefusal; readonly detail: string };

/** The terms a cart keeps of an applied code. */
export const appliedTermsOf = (promotion: Promotion): AppliedPromotionTerms => ({
  code: promotion.code,
  ...termsOf(promotion),
  ...(promotion.minSubtotal ? { minSubtotal: promotion.minSubtotal } : {}),
});

/**
 * May the code be applied to a cart with this subtotal now? Reads only: the limits are enforced when
 * the checkout saga redeems the code.
 */
export const checkPromotion = async (
  deps: PromotionsDeps,
  input: { readonly code: string; readonly subtotal: Money; readonly customerId?: string | undefined },
): Promise<CheckResult> => {
  const promotion = await deps.promotions.get(input.code.toUpperCase());
  if (!promotion)
    return { outcome: 'refused', reason: 'NOT_FOUND', detail: `promotion ${input.code} does not exist` };
  const customerRedemptions =
    input.customerId !== undefined && promotion.maxPerCustomer !== undefined
      ? await deps.promotions.customerRedemptions(promotion.code, input.customerId)
      : undefined;
  const refusal = refusalOf(promotion, {
    subtotal: input.subtotal,
    now: nowOf(deps),
    ...(customerRedemptions === undefined ? {} : { customerRedemptions }),
  });
  if (refusal) return { outcome: 'refused', ...refusal };
  const terms = appliedTermsOf(promotion);
  return { outcome: 'applicable', terms, discount: discountOf(terms, input.subtotal) };
};
