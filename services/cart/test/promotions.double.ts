import type { Money } from '@shop/contracts';
import { type AppliedPromotionTerms, discountOf, type PromotionRefusal } from '@shop/contracts/promotions';
import { PromotionsUnavailableError } from '../src/domain/cart.errors.ts';
import type { PromotionCheck, PromotionChecker } from '../src/domain/promotion-checker.port.ts';

/**
 * A stand-in for the promotions service's `checkPromotion` (its own tests run the real one on
 * DynamoDB Local): codes it knows with their terms, or a refusal; `down` makes it unreachable.
 */
export interface PromotionsDouble extends PromotionChecker {
  readonly codes: Map<string, AppliedPromotionTerms | { refused: PromotionRefusal }>;
  readonly calls: { code: string; subtotal: Money; customerId?: string }[];
  down: boolean;
}

export const createPromotionsDouble = (): PromotionsDouble => {
  const double: PromotionsDouble = {
    codes: new Map(),
    calls: [],
    down: false,
    check: async (code, subtotal, customerId): Promise<PromotionCheck> => {
      double.calls.push({ code, subtotal, ...(customerId === undefined ? {} : { customerId }) });
      if (double.down) throw new PromotionsUnavailableError(new Error('the promotions service is down'));
      const known = double.codes.get(code.toUpperCase());
      if (!known)
        return { outcome: 'refused', reason: 'NOT_FOUND', detail: `promotion ${code} does not exist` };
      if ('refused' in known)
        return { outcome: 'refused', reason: known.refused, detail: `refused: ${known.refused}` };
      if (known.minSubtotal && subtotal.amount < known.minSubtotal.amount) {
        return { outcome: 'refused', reason: 'BELOW_MINIMUM', detail: 'below the minimum' };
      }
      return { outcome: 'applicable', terms: known, discount: discountOf(known, subtotal) };
    },
  };
  return double;
};
