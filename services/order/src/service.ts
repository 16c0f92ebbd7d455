import { CHECKOUT_VIEW_FUNCTION } from '@shop/contracts/cart';
import { ORDER_TASKS, OrderCancelled, OrderConfirmed } from '@shop/contracts/order';
import { PaymentRefunded } from '@shop/contracts/payment';
import { defineService } from '@shop/platform/service';
import { routes } from './api/routes.ts';

const task = (entry: string, name: string) => ({
  entry,
  timeoutSeconds: 10,
  triggers: [{ type: 'task' as const, name }],
});

/**
 * The order service: orders, checkout and cancellation, and the two sagas that carry them out.
 * Data only (both runtimes import it): no clients, no environment.
 */
export default defineService({
  name: 'order',
  root: new URL('..', import.meta.url),
  table: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalSecondaryIndexes: [
      // A customer's orders, newest first.
      {
        indexName: 'gsi1',
        partitionKey: { name: 'gsi1pk', type: 'S' },
        sortKey: { name: 'gsi1sk', type: 'S' },
      },
      // Every order in a status, newest first (admin listing).
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
      triggers: [{ type: 'http', routes }],
      invokes: [CHECKOUT_VIEW_FUNCTION],
    },
    placeOrder: task('src/handlers/place-order.task.ts', ORDER_TASKS.placeOrder),
    priceOrder: task('src/handlers/price-order.task.ts', ORDER_TASKS.priceOrder),
    confirmOrder: task('src/handlers/confirm-order.task.ts', ORDER_TASKS.confirmOrder),
    rejectOrder: task('src/handlers/reject-order.task.ts', ORDER_TASKS.rejectOrder),
    cancelOrder: task('src/handlers/cancel-order.task.ts', ORDER_TASKS.cancelOrder),
    abortCancellation: task('src/handlers/abort-cancellation.task.ts', ORDER_TASKS.abortCancellation),
    paymentRefunded: {
      entry: 'src/handlers/payment-refunded.consumer.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'sqs', events: [PaymentRefunded.type], batchSize: 10 }],
    },
    outboxRelay: {
      entry: 'src/handlers/outbox-relay.ts',
      timeoutSeconds: 30,
      triggers: [{ type: 'stream', batchSize: 100 }],
    },
  },
  publishes: [OrderConfirmed.type, OrderCancelled.type],
  stateMachines: {
    checkout: { definitionFile: 'src/saga/checkout.asl.json' },
    cancel: { definitionFile: 'src/saga/cancel.asl.json' },
  },
});
