import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventConsumer } from '@shop/platform/consumer';
import { commitStockOnOrderConfirmed } from '../application/order-confirmed.handler.ts';
import { createStockDeps } from '../composition-root.ts';
import { taskEnv } from '../env.ts';

const { TABLE_NAME } = taskEnv();
const client = new DynamoDBClient({});

/** `order.confirmed` -> the reservation becomes a sale. */
export const handler = createEventConsumer({
  handlers: [commitStockOnOrderConfirmed(createStockDeps(TABLE_NAME, client))],
  idempotency: { tableName: TABLE_NAME, client },
});
