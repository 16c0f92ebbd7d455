import type { Money } from '@shop/contracts';
import type { CheckPromotion } from '@shop/contracts/promotions';
import type * as z from 'zod';

export type PromotionCheck = z.infer<(typeof CheckPromotion)['output']>;

/** Asks the promotions service whether a code applies. Throws `PromotionsUnavailableError` when it cannot. */
export interface PromotionChecker {
  check(code: string, subtotal: Money, customerId?: string): Promise<PromotionCheck>;
}
