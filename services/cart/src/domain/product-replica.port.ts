import type { ProductChangedData } from '@shop/contracts/catalog';
import type { SkuSnapshot } from './sku-snapshot.ts';

export interface ReplicaApplyResult {
  /** SKUs whose copy changed. */
  readonly applied: number;
  /** SKUs whose copy was already at this version or newer. */
  readonly stale: number;
}

/** The cart's local copy of the catalog's SKU data (event-carried state transfer). */
export interface ProductReplica {
  getMany(skus: readonly string[]): Promise<Map<string, SkuSnapshot>>;
  /** Stores snapshots (e.g. from a catalog lookup), keeping any newer version already held. */
  save(snapshots: readonly SkuSnapshot[]): Promise<void>;
  /** Applies a `catalog.product-changed` state, SKU by SKU, unless the copy is as new or newer. */
  applyProductChange(change: ProductChangedData): Promise<ReplicaApplyResult>;
}
