import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventConsumer } from '@shop/platform/consumer';
import { commitStockOnOrderConfirmed } from '../application/order-confirmed.handler.ts';
import { taskEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { DynamoDbStockReservationRepository } from '../infrastructure/dynamodb-stock-reservation.repository.ts';

const { TABLE_NAME } = taskEnv();
const client = new DynamoDBClient({});

export const handler = createEventConsumer({
  handlers: [
    commitStockOnOrderConfirmed({
      reservations: new DynamoDbStockReservationRepository(documentClientFromEnvironment(client), TABLE_NAME),
    }),
  ],
  idempotency: { tableName: TABLE_NAME, client },
});
