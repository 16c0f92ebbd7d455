import { LOOKUP_SKUS_FUNCTION, ProductChanged } from '@shop/contracts/catalog';
import { OrderConfirmed } from '@shop/contracts/order';
import { CHECK_PROMOTION_FUNCTION } from '@shop/contracts/promotions';
import { defineService, internalFunction, singleTable } from '@shop/platform/service';
import { cartRoutes } from './api/routes.ts';
import { CART_TOKEN_SECRET_VARIABLE } from './env.ts';

/**
 * The cart: customer and guest carts, a replica of the catalog's SKU data to price them, and the
 * cart's view for checkout. Data only (both runtimes import it): no clients, no environment.
 */
export default defineService({
  name: 'cart',
  root: new URL('..', import.meta.url),
  // gsi1: the replicated SKUs of a product, so a product change can retire SKUs it no longer lists.
  // Guest carts and the consumers' idempotency records expire (TTL).
  table: singleTable({ indexes: [{ projection: 'KEYS_ONLY' }] }),
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes: cartRoutes }],
      invokes: [LOOKUP_SKUS_FUNCTION, CHECK_PROMOTION_FUNCTION],
      // Signs guest cart tokens: generated per deployment (Secrets Manager in AWS, per stack locally).
      secrets: [CART_TOKEN_SECRET_VARIABLE],
    },
    // Internal: the order service invokes it directly (Lambda Invoke) at checkout.
    checkoutView: {
      ...internalFunction('src/handlers/checkout-view.function.ts', 10),
      invokes: [LOOKUP_SKUS_FUNCTION],
    },
    productChanged: {
      entry: 'src/handlers/product-changed.consumer.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'sqs', events: [ProductChanged.type], batchSize: 10 }],
    },
    orderConfirmed: {
      entry: 'src/handlers/order-confirmed.consumer.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'sqs', events: [OrderConfirmed.type], batchSize: 10 }],
    },
  },
});
