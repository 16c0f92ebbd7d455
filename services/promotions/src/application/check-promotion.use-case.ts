import { CheckPromotion } from '@shop/contracts/promotions';
import { defineInvokedFunction } from '@shop/platform/task';
import type { PromotionsDeps } from './promotions.deps.ts';
import { checkPromotion } from './promotions.use-cases.ts';

/** The internal `checkPromotion` function: applicable with its terms and discount, or refused with a reason. */
export const createCheckPromotionFunction = (deps: PromotionsDeps) =>
  defineInvokedFunction({
    contract: CheckPromotion,
    errors: [],
    run: (input) => checkPromotion(deps, input),
  });
