import { PAYMENT_TASKS, PaymentCaptured, PaymentRefunded } from '@shop/contracts/payment';
import { defineService, OUTBOX_RELAY, sagaTask, singleTable } from '@shop/platform/service';
import { routes } from './api/routes.ts';

/** The payment service: payments of orders, the simulated provider, the payment saga tasks. */
export default defineService({
  name: 'payment',
  root: new URL('..', import.meta.url),
  // gsi1: a payment by its id.
  table: singleTable({ indexes: [{}], outbox: true }),
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes }],
    },
    authorizePayment: sagaTask('src/handlers/authorize-payment.task.ts', PAYMENT_TASKS.authorizePayment),
    capturePayment: sagaTask('src/handlers/capture-payment.task.ts', PAYMENT_TASKS.capturePayment),
    voidPayment: sagaTask('src/handlers/void-payment.task.ts', PAYMENT_TASKS.voidPayment),
    refundPayment: sagaTask('src/handlers/refund-payment.task.ts', PAYMENT_TASKS.refundPayment),
    outboxRelay: OUTBOX_RELAY,
  },
  publishes: [PaymentCaptured.type, PaymentRefunded.type],
});
