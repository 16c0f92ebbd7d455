import type { SkuSnapshot } from './sku-snapshot.ts';

/**
 * The catalog's answer about a SKU: its data, and the units it could sell right now. The stock is
 * a moment's reading, so it is used for the check at hand and never stored in the replica.
 */
export interface CatalogSku extends SkuSnapshot {
  readonly available: number;
}

export interface SkuLookupResult {
  readonly items: readonly CatalogSku[];
  /** SKUs the catalog does not know. */
  readonly missing: readonly string[];
}

/** Asks the catalog itself about SKUs. Throws `CatalogUnavailableError` when it cannot. */
export interface SkuLookup {
  lookup(skus: readonly string[]): Promise<SkuLookupResult>;
}
