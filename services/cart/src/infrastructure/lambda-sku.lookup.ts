import type { LookupSkus, LookupSkusInput, SkuInfo } from '@shop/contracts/catalog';
import type { InternalFunctionClient } from '@shop/platform/invoke';
import { CatalogUnavailableError } from '../domain/cart.errors.ts';
import type { CatalogSku, SkuLookup, SkuLookupResult } from '../domain/sku-lookup.port.ts';

/** The catalog's `lookupSkus` takes at most this many SKUs per call. */
const LOOKUP_LIMIT = 100;

export const snapshotOf = (info: SkuInfo): CatalogSku => ({
  sku: info.sku,
  productId: info.productId,
  productName: info.productName,
  variantName: info.variantName,
  price: info.price,
  status: info.status,
  sold: true,
  version: info.version,
  available: info.available,
});

export type LookupSkusClient = InternalFunctionClient<
  (typeof LookupSkus)['input'],
  (typeof LookupSkus)['output']
>;

/**
 * The catalog's internal `lookupSkus` function, through the platform's internal-function client.
 * Whatever goes wrong (timeout, throttling, a function error, an open circuit) ends as a
 * `CatalogUnavailableError`.
 */
export class LambdaSkuLookup implements SkuLookup {
  readonly #client: LookupSkusClient;

  constructor(client: LookupSkusClient) {
    this.#client = client;
  }

  /** The circuit's state, for logs and tests: `closed`, `open`, `halfOpen` or `isolated`. */
  get circuitState() {
    return this.#client.circuitState;
  }

  async lookup(skus: readonly string[]): Promise<SkuLookupResult> {
    const items: CatalogSku[] = [];
    const missing: string[] = [];
    const unique = [...new Set(skus)];
    for (let i = 0; i < unique.length; i += LOOKUP_LIMIT) {
      const input: LookupSkusInput = { skus: unique.slice(i, i + LOOKUP_LIMIT) };
      try {
        const answer = await this.#client.call(input);
        items.push(...answer.items.map(snapshotOf));
        missing.push(...answer.missing);
      } catch (error) {
        throw new CatalogUnavailableError(error);
      }
    }
    return { items, missing };
  }
}
