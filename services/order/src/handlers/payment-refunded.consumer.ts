import { createEventConsumer } from '@shop/platform/consumer';
import { recordRefundOnPaymentRefunded } from '../application/payment-refunded.handler.ts';
import { createConsumerDepsFromEnv } from '../composition-root.ts';

const { env, deps } = createConsumerDepsFromEnv();

/** `payment.refunded` -> the refund in the order's history. */
export const handler = createEventConsumer({
  handlers: [recordRefundOnPaymentRefunded(deps)],
  idempotency: { tableName: env.TABLE_NAME },
});
