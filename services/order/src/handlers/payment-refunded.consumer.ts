import { createEventConsumer } from '@shop/platform/messaging';
import { recordRefundOnPaymentRefunded } from '../application/payment-refunded.handler.ts';
import { taskEnv } from '../env.ts';
import { createOrderDeps } from '../infrastructure/order.composition.ts';

const env = taskEnv();

/** `payment.refunded` -> the refund in the order's history. */
export const handler = createEventConsumer({
  handlers: [
    recordRefundOnPaymentRefunded(createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME })),
  ],
  idempotency: { tableName: env.TABLE_NAME },
});
