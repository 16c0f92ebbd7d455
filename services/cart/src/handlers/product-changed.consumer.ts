import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventConsumer } from '@shop/platform/consumer';
import { refreshReplicaOnProductChanged } from '../application/product-changed.handler.ts';
import { baseEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { DynamoDbProductReplica } from '../infrastructure/dynamodb-product.replica.ts';

const { TABLE_NAME } = baseEnv();
const client = new DynamoDBClient({});

export const handler = createEventConsumer({
  handlers: [
    refreshReplicaOnProductChanged({
      replica: new DynamoDbProductReplica(documentClientFromEnvironment(client), TABLE_NAME),
    }),
  ],
  idempotency: { tableName: TABLE_NAME, client },
});
