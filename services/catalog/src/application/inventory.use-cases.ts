import type { InventoryRecord, Sku, StockLevel } from '@shop/contracts/catalog';
import { SkuNotFoundError } from '../domain/catalog.errors.ts';
import type { CatalogDeps } from './catalog.deps.ts';

/** Public stock of a SKU; a SKU that is not sold (unknown, archived or dropped) is a 404. */
export const getStockLevel = async (deps: CatalogDeps, sku: Sku): Promise<StockLevel> => {
  const stock = await deps.inventory.get(sku);
  if (stock?.status !== 'active') throw new SkuNotFoundError(sku);
  return { sku, available: Math.max(0, stock.available) };
};

/** Sets the units on hand of any SKU the catalog knows; never below what orders hold (409). */
export const setOnHand = (deps: CatalogDeps, sku: Sku, onHand: number): Promise<InventoryRecord> =>
  deps.inventory.setOnHand(sku, onHand);
