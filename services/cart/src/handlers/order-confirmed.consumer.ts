import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventConsumer } from '@shop/platform/consumer';
import { emptyCartOnOrderConfirmed } from '../application/order-confirmed.handler.ts';
import { baseEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { DynamoDbCartRepository } from '../infrastructure/dynamodb-cart.repository.ts';

const { TABLE_NAME } = baseEnv();
const client = new DynamoDBClient({});

export const handler = createEventConsumer({
  handlers: [
    emptyCartOnOrderConfirmed({
      carts: new DynamoDbCartRepository(documentClientFromEnvironment(client), TABLE_NAME),
    }),
  ],
  idempotency: { tableName: TABLE_NAME, client },
});
