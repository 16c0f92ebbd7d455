import { LookupSkus, type LookupSkusInput, type LookupSkusOutput } from '@shop/contracts/catalog';
import { defineInvokedFunction } from '@shop/platform/task';
import type { SkuDirectory } from '../domain/catalog.repository.port.ts';

export interface SkuLookupDeps {
  readonly skus: SkuDirectory;
}

/**
 * What the catalog knows of some SKUs: `items` in the order asked (each SKU once), `missing` for
 * SKUs it never heard of. Archived products and dropped variants are reported with
 * `status: "archived"` (known, not sold). Each item carries the units `available` now.
 */
export const lookupSkus = async (deps: SkuLookupDeps, input: LookupSkusInput): Promise<LookupSkusOutput> => {
  const asked = [...new Set(input.skus)];
  const found = await deps.skus.describe(asked);
  return {
    items: asked.flatMap((sku) => {
      const info = found.get(sku);
      return info ? [info] : [];
    }),
    missing: asked.filter((sku) => !found.has(sku)),
  };
};

/**
 * The `lookupSkus` function, invoked directly (Lambda Invoke) by other services through the platform's
 * internal-function client: the payload is validated with the contract (`TaskInputInvalid`
 * otherwise), a throttled read fails as `TransientError`, which the caller's policy retries.
 */
export const createLookupSkusFunction = (deps: SkuLookupDeps) =>
  defineInvokedFunction({ contract: LookupSkus, errors: [], run: (input) => lookupSkus(deps, input) });
