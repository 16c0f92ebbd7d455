import { createRestockOrderTask } from '../application/stock.tasks.ts';
import { taskEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { DynamoDbStockReservationRepository } from '../infrastructure/dynamodb-stock-reservation.repository.ts';

export const handler = createRestockOrderTask({
  reservations: new DynamoDbStockReservationRepository(documentClientFromEnvironment(), taskEnv().TABLE_NAME),
});
