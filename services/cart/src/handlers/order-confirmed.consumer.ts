import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventConsumer } from '@shop/platform/consumer';
import { emptyCartOnOrderConfirmed } from '../application/order-confirmed.handler.ts';
import { createConsumerDeps } from '../composition-root.ts';
import { baseEnv } from '../env.ts';

const { TABLE_NAME } = baseEnv();
const client = new DynamoDBClient({});

/** `order.confirmed` -> the customer's cart is emptied. */
export const handler = createEventConsumer({
  handlers: [emptyCartOnOrderConfirmed(createConsumerDeps(TABLE_NAME, client))],
  idempotency: { tableName: TABLE_NAME, client },
});
