import { PaymentCaptured, PaymentRefunded } from '@shop/contracts/payment';
import { defineService } from '@shop/platform/service';
import { routes } from './api/routes.ts';

const task = (entry: string, name: string) => ({
  entry,
  timeoutSeconds: 10,
  triggers: [{ type: 'task' as const, name }],
});

/** The payment service: payments of orders, the simulated provider, the payment saga tasks. */
export default defineService({
  name: 'payment',
  root: new URL('..', import.meta.url),
  table: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalSecondaryIndexes: [
      {
        indexName: 'gsi1',
        partitionKey: { name: 'gsi1pk', type: 'S' },
        sortKey: { name: 'gsi1sk', type: 'S' },
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
    },
    authorizePayment: task('src/handlers/authorize-payment.task.ts', 'AuthorizePayment'),
    capturePayment: task('src/handlers/capture-payment.task.ts', 'CapturePayment'),
    voidPayment: task('src/handlers/void-payment.task.ts', 'VoidPayment'),
    refundPayment: task('src/handlers/refund-payment.task.ts', 'RefundPayment'),
    outboxRelay: {
      entry: 'src/handlers/outbox-relay.ts',
      triggers: [{ type: 'stream', batchSize: 100 }],
    },
  },
  publishes: [PaymentCaptured.type, PaymentRefunded.type],
});
