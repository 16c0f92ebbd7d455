import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventConsumer } from '@shop/platform/consumer';
import { refreshReplicaOnProductChanged } from '../application/product-changed.handler.ts';
import { createConsumerDeps } from '../composition-root.ts';
import { baseEnv } from '../env.ts';

const { TABLE_NAME } = baseEnv();
const client = new DynamoDBClient({});

/** `catalog.product-changed` -> the product replica. */
export const handler = createEventConsumer({
  handlers: [refreshReplicaOnProductChanged(createConsumerDeps(TABLE_NAME, client))],
  idempotency: { tableName: TABLE_NAME, client },
});
