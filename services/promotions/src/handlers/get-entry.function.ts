import { createGetEntryFunction } from '../application/get-entry.use-case.ts';
import { createPromotionsDeps } from '../composition-root.ts';
import { functionEnv } from '../env.ts';

/** Internal function `promotions.getEntry`, invoked directly by other services (Lambda Invoke). */
export const handler = createGetEntryFunction(createPromotionsDeps(functionEnv().TABLE_NAME));
