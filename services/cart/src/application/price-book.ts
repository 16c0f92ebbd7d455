import type { ProductReplica } from '../domain/product-replica.port.ts';
import type { SkuLookup } from '../domain/sku-lookup.port.ts';
import { type SkuSnapshot, snapshotFieldsOf } from '../domain/sku-snapshot.ts';

export interface PriceBookDeps {
  readonly replica: ProductReplica;
  readonly catalog: SkuLookup;
}

/**
 * The current data of SKUs: from the local replica, and for the ones it does not hold, from the
 * catalog (whose answer is then kept in the replica). A SKU the catalog does not know is absent
 * from the result; a catalog that cannot answer is a `CatalogUnavailableError`, never a guess.
 */
export const resolveSkus = async (
  deps: PriceBookDeps,
  skus: readonly string[],
): Promise<Map<string, SkuSnapshot>> => {
  const wanted = [...new Set(skus)];
  if (wanted.length === 0) return new Map();
  const known = await deps.replica.getMany(wanted);
  const misses = wanted.filter((sku) => !known.has(sku));
  if (misses.length === 0) return known;
  const answer = await deps.catalog.lookup(misses);
  // Prices and names are kept; the stock reading is not (no event would keep it current).
  const snapshots = answer.items.map(snapshotFieldsOf);
  await deps.replica.save(snapshots);
  for (const snapshot of snapshots) {
    // The replica may hold a newer version by now; either is current enough for this answer.
    if (!known.has(snapshot.sku)) known.set(snapshot.sku, snapshot);
  }
  return known;
};
