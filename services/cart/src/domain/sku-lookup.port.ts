import type { SkuSnapshot } from './sku-snapshot.ts';

export interface SkuLookupResult {
  readonly items: readonly SkuSnapshot[];
  /** SKUs the catalog does not know. */
  readonly missing: readonly string[];
}

/** Asks the catalog itself about SKUs. Throws `CatalogUnavailableError` when it cannot. */
export interface SkuLookup {
  lookup(skus: readonly string[]): Promise<SkuLookupResult>;
}
