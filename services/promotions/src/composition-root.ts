import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/platform/dynamodb';
import type { PromotionsDeps } from './application/promotions.deps.ts';
import { DynamoDbPromotionsRepository } from './infrastructure/dynamodb-promotions.repository.ts';

/** The one place the promotions service chooses its adapters; handlers only call this. */
export const createPromotionsDeps = (
  tableName: string,
  ddb: DynamoDBDocumentClient = createDocumentClient(),
): PromotionsDeps => ({
  entries: new DynamoDbPromotionsRepository(ddb, tableName),
  source: 'promotions',
});
