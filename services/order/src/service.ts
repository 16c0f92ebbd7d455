import { CHECKOUT_VIEW_FUNCTION } from '@shop/contracts/cart';
import { ORDER_TASKS, OrderCancelled, OrderConfirmed, OrderRejected } from '@shop/contracts/order';
import { PaymentRefunded } from '@shop/contracts/payment';
import {
  defineService,
  internalFunction,
  OUTBOX_RELAY,
  sagaTask,
  scheduledFunction,
  singleTable,
} from '@shop/platform/service';
import { routes } from './api/routes.ts';

/**
 * The order service: orders, checkout and cancellation, and the two sagas that carry them out.
 * Data only (both runtimes import it): no clients, no environment.
 */
export default defineService({
  name: 'order',
  root: new URL('..', import.meta.url),
  // gsi1: a customer's orders, newest first; gsi2: every order in a status, newest first (admin listing).
  table: singleTable({ indexes: [{}, {}], outbox: true }),
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes }],
      invokes: [CHECKOUT_VIEW_FUNCTION],
    },
    placeOrder: sagaTask('src/handlers/place-order.task.ts', ORDER_TASKS.placeOrder),
    priceOrder: sagaTask('src/handlers/price-order.task.ts', ORDER_TASKS.priceOrder),
    confirmOrder: sagaTask('src/handlers/confirm-order.task.ts', ORDER_TASKS.confirmOrder),
    rejectOrder: sagaTask('src/handlers/reject-order.task.ts', ORDER_TASKS.rejectOrder),
    cancelOrder: sagaTask('src/handlers/cancel-order.task.ts', ORDER_TASKS.cancelOrder),
    abortCancellation: sagaTask('src/handlers/abort-cancellation.task.ts', ORDER_TASKS.abortCancellation),
    paymentRefunded: {
      entry: 'src/handlers/payment-refunded.consumer.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'sqs', events: [PaymentRefunded.type], batchSize: 10 }],
    },
    // Every minute: orders PENDING or CANCELLING for too long get a saga that settles them.
    reconcileOrders: scheduledFunction('src/handlers/reconcile-orders.schedule.ts', 'rate(1 minute)'),
    // Internal: the catalog asks where the orders of its expired reservations stand.
    orderStatuses: internalFunction('src/handlers/order-statuses.function.ts'),
    // Internal: the notifications service reads the order an event names (Lambda Invoke).
    orderView: internalFunction('src/handlers/order-view.function.ts'),
    outboxRelay: OUTBOX_RELAY,
  },
  publishes: [OrderConfirmed.type, OrderRejected.type, OrderCancelled.type],
  stateMachines: {
    checkout: { definitionFile: 'src/saga/checkout.asl.json' },
    cancel: { definitionFile: 'src/saga/cancel.asl.json' },
    // Started by the reconciler for a PENDING order whose checkout ended without settling it.
    settle: { definitionFile: 'src/saga/settle.asl.json' },
  },
});
