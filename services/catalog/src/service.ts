import { CATALOG_TASKS, ProductChanged } from '@shop/contracts/catalog';
import { ORDER_STATUSES_FUNCTION } from '@shop/contracts/order';
import {
  defineService,
  internalFunction,
  OUTBOX_RELAY,
  sagaTask,
  scheduledFunction,
  singleTable,
} from '@shop/platform/service';
import { catalogRoutes } from './api/routes.ts';

/**
 * The catalog: products and their SKUs, stock per SKU, the stock side of the checkout and cancel
 * sagas, and an internal SKU lookup for other services.
 * Data only (both runtimes import it): no clients, no environment.
 */
export default defineService({
  name: 'catalog',
  root: new URL('..', import.meta.url),
  // gsi1: every active product, by name (sparse: archived products carry no gsi1 attributes);
  // gsi2: active products of one category, by name;
  // gsi3: RESERVED reservations by the end of their hold (sparse, keys only), for the expiry job.
  table: singleTable({ indexes: [{}, {}, { projection: 'KEYS_ONLY' }], outbox: true }),
  // Product images: uploaded with presigned PUTs, served through the content delivery URL.
  bucket: {},
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes: catalogRoutes }],
    },
    reserveStock: sagaTask('src/handlers/reserve-stock.task.ts', CATALOG_TASKS.reserveStock),
    releaseStock: sagaTask('src/handlers/release-stock.task.ts', CATALOG_TASKS.releaseStock),
    restockOrder: sagaTask('src/handlers/restock-order.task.ts', CATALOG_TASKS.restockOrder),
    // Internal: other services invoke it directly (Lambda Invoke through `invokes: [LOOKUP_SKUS_FUNCTION]`).
    lookupSkus: internalFunction('src/handlers/lookup-skus.function.ts'),
    commitStock: {
      entry: 'src/handlers/order-confirmed.consumer.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'sqs', events: ['order.confirmed'], batchSize: 10 }],
    },
    // Every minute: reservations whose hold ended are settled by where their order stands.
    expireReservations: {
      ...scheduledFunction('src/handlers/expire-reservations.schedule.ts', 'rate(1 minute)'),
      invokes: [ORDER_STATUSES_FUNCTION],
    },
    // S3 notifies it of every object created under products/: the upload is checked and listed, or deleted.
    recordImage: {
      entry: 'src/handlers/image-uploaded.notification.ts',
      timeoutSeconds: 15,
      triggers: [{ type: 's3', events: ['ObjectCreated'], prefix: 'products/' }],
    },
    outboxRelay: OUTBOX_RELAY,
  },
  publishes: [ProductChanged.type],
  seed: { entry: 'src/seed.ts', handler: 'seed' },
});
