import { CATALOG_TASKS, ProductChanged } from '@shop/contracts/catalog';
import { defineService } from '@shop/platform/service';
import { catalogRoutes } from './api/routes.ts';

/**
 * The catalog: products and their SKUs, stock per SKU, the stock side of the checkout and cancel
 * sagas, and an internal SKU lookup for other services.
 * Data only (both runtimes import it): no clients, no environment.
 */
export default defineService({
  name: 'catalog',
  root: new URL('..', import.meta.url),
  table: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalSecondaryIndexes: [
      // Every active product, by name (sparse: archived products carry no gsi1 attributes).
      {
        indexName: 'gsi1',
        partitionKey: { name: 'gsi1pk', type: 'S' },
        sortKey: { name: 'gsi1sk', type: 'S' },
      },
      // Active products of one category, by name.
      {
        indexName: 'gsi2',
        partitionKey: { name: 'gsi2pk', type: 'S' },
        sortKey: { name: 'gsi2sk', type: 'S' },
      },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
    timeToLiveAttribute: 'expiresAt',
  },
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes: catalogRoutes }],
    },
    reserveStock: {
      entry: 'src/handlers/reserve-stock.task.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'task', name: CATALOG_TASKS.reserveStock }],
    },
    releaseStock: {
      entry: 'src/handlers/release-stock.task.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'task', name: CATALOG_TASKS.releaseStock }],
    },
    restockOrder: {
      entry: 'src/handlers/restock-order.task.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'task', name: CATALOG_TASKS.restockOrder }],
    },
    // Internal: other services invoke it directly (Lambda Invoke through `invokes: [LOOKUP_SKUS_FUNCTION]`).
    lookupSkus: {
      entry: 'src/handlers/lookup-skus.function.ts',
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke' }],
    },
    commitStock: {
      entry: 'src/handlers/order-confirmed.consumer.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'sqs', events: ['order.confirmed'], batchSize: 10 }],
    },
    outboxRelay: {
      entry: 'src/handlers/outbox-relay.ts',
      timeoutSeconds: 30,
      triggers: [{ type: 'stream', batchSize: 100 }],
    },
  },
  publishes: [ProductChanged.type],
  seed: { entry: 'src/seed.ts', handler: 'seed' },
});
