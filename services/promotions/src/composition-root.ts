import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/platform/dynamodb';
import type { PromotionsDeps } from './application/promotions.deps.ts';
import { createPromotionTasks } from './application/promotions.tasks.ts';
import { DynamoDbPromotionsRepository } from './infrastructure/dynamodb-promotions.repository.ts';

/** The one place the promotions service chooses its adapters; handlers only call this. */
export const createPromotionsDeps = (
  tableName: string,
  ddb: DynamoDBDocumentClient = createDocumentClient(),
): PromotionsDeps => {
  const repository = new DynamoDbPromotionsRepository(ddb, tableName);
  return { promotions: repository, redemptions: repository, source: 'promotions' };
};

export const createPromotionTasksFromTable = (tableName: string) =>
  createPromotionTasks(createPromotionsDeps(tableName));
