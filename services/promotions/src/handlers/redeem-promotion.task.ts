import { createPromotionTasksFromTable } from '../composition-root.ts';
import { functionEnv } from '../env.ts';

/** The checkout saga's `RedeemPromotion` task. */
export const handler = createPromotionTasksFromTable(functionEnv().TABLE_NAME).redeemPromotion;
