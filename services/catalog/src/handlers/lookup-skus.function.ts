import { createLookupSkusFunction } from '../application/sku-lookup.use-case.ts';
import { createSkuLookupDeps } from '../composition-root.ts';
import { taskEnv } from '../env.ts';

/** Internal function `catalog.lookupSkus`, invoked directly by other services (Lambda Invoke). */
export const handler = createLookupSkusFunction(createSkuLookupDeps(taskEnv().TABLE_NAME));
