import { createCheckPromotionFunction } from '../application/check-promotion.use-case.ts';
import { createPromotionsDeps } from '../composition-root.ts';
import { functionEnv } from '../env.ts';

/** Internal function `promotions.checkPromotion`, invoked by the cart when a shopper applies a code. */
export const handler = createCheckPromotionFunction(createPromotionsDeps(functionEnv().TABLE_NAME));
