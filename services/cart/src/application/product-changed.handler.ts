import { ProductChanged } from '@shop/contracts/catalog';
import type { EventHandler } from '@shop/platform/consumer';
import type { ProductReplica } from '../domain/product-replica.port.ts';

/**
 * `catalog.product-changed` -> the replica takes the product's new state, SKU by SKU, unless it
 * already holds this version or a newer one (queues may reorder and redeliver). Carts are not
 * touched: they are priced from the replica when read.
 */
export const refreshReplicaOnProductChanged = (deps: {
  readonly replica: ProductReplica;
}): EventHandler<typeof ProductChanged> => ({
  event: ProductChanged,
  handle: async (event, { logger }) => {
    const result = await deps.replica.applyProductChange(event.data);
    logger.info('product replica refreshed', {
      productId: event.data.productId,
      version: event.data.version,
      ...result,
    });
  },
});
