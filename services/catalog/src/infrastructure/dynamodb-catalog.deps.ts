import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CatalogDeps } from '../application/catalog.deps.ts';
import { DynamoDbInventoryRepository } from './dynamodb-inventory.repository.ts';
import { DynamoDbProductRepository } from './dynamodb-product.repository.ts';
import { DynamoDbStockReservationRepository } from './dynamodb-stock-reservation.repository.ts';

/** The catalog's repositories over one DynamoDB table. */
export const dynamoDbCatalogDeps = (ddb: DynamoDBDocumentClient, tableName: string): CatalogDeps => ({
  products: new DynamoDbProductRepository(ddb, tableName),
  inventory: new DynamoDbInventoryRepository(ddb, tableName),
  reservations: new DynamoDbStockReservationRepository(ddb, tableName),
});
