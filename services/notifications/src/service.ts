import { ORDER_VIEW_FUNCTION, OrderCancelled, OrderConfirmed, OrderRejected } from '@shop/contracts/order';
import { PaymentRefunded } from '@shop/contracts/payment';
import { defineService, singleTable } from '@shop/platform/service';

/**
 * The notifications service: one email per order event to the address the order was placed with,
 * through Amazon SES. Its table keeps the consumer's idempotency records and the sent-email log.
 * Data only (both runtimes import it): no clients, no environment.
 */
export default defineService({
  name: 'notifications',
  root: new URL('..', import.meta.url),
  table: singleTable(),
  functions: {
    orderEvents: {
      entry: 'src/handlers/order-events.consumer.ts',
      timeoutSeconds: 15,
      triggers: [
        {
          type: 'sqs',
          events: [OrderConfirmed.type, OrderRejected.type, OrderCancelled.type, PaymentRefunded.type],
          batchSize: 10,
        },
      ],
      invokes: [ORDER_VIEW_FUNCTION],
      sendsEmail: true,
    },
  },
});
