import { createPromotionTasksFromTable } from '../composition-root.ts';
import { functionEnv } from '../env.ts';

/** The sagas' `ReleasePromotion` task (a failed checkout, a cancelled order). */
export const handler = createPromotionTasksFromTable(functionEnv().TABLE_NAME).releasePromotion;
