import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventConsumer } from '@shop/platform/consumer';
import { orderNotificationHandlers } from '../application/order-notifications.handler.ts';
import { createNotificationsDeps } from '../composition-root.ts';
import { consumerEnv, EMAIL_FROM_VARIABLE, ORDER_VIEW_FUNCTION_VARIABLE } from '../env.ts';

const env = consumerEnv();
const client = new DynamoDBClient({});

/** `order.confirmed`, `order.rejected`, `order.cancelled`, `payment.refunded` -> one email each. */
export const handler = createEventConsumer({
  handlers: orderNotificationHandlers(
    createNotificationsDeps({
      tableName: env.TABLE_NAME,
      orderViewFunctionName: env[ORDER_VIEW_FUNCTION_VARIABLE],
      emailFromAddress: env[EMAIL_FROM_VARIABLE],
      dynamoDb: client,
    }),
  ),
  idempotency: { tableName: env.TABLE_NAME, client },
});
