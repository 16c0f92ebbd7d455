import { LOOKUP_SKUS_ERRORS, LookupSkusInput, type LookupSkusOutput } from '@shop/contracts/catalog';
import type { SkuDirectory } from '../domain/catalog.repository.port.ts';

export interface SkuLookupDeps {
  readonly skus: SkuDirectory;
}

/** A `lookupSkus` payload that does not match `LookupSkusInput`: the caller's bug, not worth a retry. */
export class InvalidLookupInputError extends Error {
  constructor(detail: string) {
    super(`lookupSkus: invalid input: ${detail}`);
    this.name = LOOKUP_SKUS_ERRORS.invalidInput;
  }
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
 * The `lookupSkus` function, invoked directly (Lambda Invoke) by other services: JSON in, validated
 * with the contract, JSON out.
 *
 * @example
 * // from a service whose definition lists `invokes: [LOOKUP_SKUS_FUNCTION]`
 * await lambda.send(new InvokeCommand({ FunctionName: env.CATALOG_LOOKUP_SKUS_FUNCTION_NAME,
 *   Payload: JSON.stringify({ skus: ['TEE-CLASSIC-M-BLK'] }) }));
 */
export const createLookupSkusFunction =
  (deps: SkuLookupDeps) =>
  async (input: unknown): Promise<LookupSkusOutput> => {
    const parsed = LookupSkusInput.safeParse(input);
    if (!parsed.success) throw new InvalidLookupInputError(parsed.error.message);
    return lookupSkus(deps, parsed.data);
  };
