import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import type { CreatePromotionRequest } from '@shop/contracts/promotions';
import { CreatePromotionRequest as CreateRequest } from '@shop/contracts/promotions';
import { startTestDynamoDb, type TestDynamoDb } from '@shop/local-cloud/testing';
import type { PromotionsDeps } from '../src/application/promotions.deps.ts';
import { createPromotionsDeps } from '../src/composition-root.ts';
import service from '../src/service.ts';

/** DynamoDB Local with the service's table, created from its definition, and the service's deps on it. */
export const startPromotionsDb = async (): Promise<{ db: TestDynamoDb; deps: PromotionsDeps }> => {
  const db = await startTestDynamoDb([service]);
  return { db, deps: createPromotionsDeps(db.tableName('promotions'), db.documentClient) };
};

let counter = 0;
/** A code no other test uses (tests share one table). */
export const uniqueCode = (prefix = 'T') =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.toUpperCase();

export const usd = (amount: number) => ({ amount, currency: 'USD' });

/** A create request as the API parses it (the code upper-cased). */
export const promotionRequest = (fields: Record<string, unknown>): CreatePromotionRequest =>
  CreateRequest.parse({ code: uniqueCode(), kind: 'percent', value: 10, ...fields });

/** Reserved lines as `ReserveStock` returns them. */
export const lines = (subtotal: number) => [
  { sku: 'SKU-1', productId: 'prd-1', name: 'Thing', quantity: 1, unitPrice: usd(subtotal) },
];

/** The events in the table's outbox (a Scan: tests only). */
export const outboxEvents = async (db: TestDynamoDb): Promise<EventEnvelope[]> => {
  const { Items = [] } = await db.documentClient.send(
    new ScanCommand({ TableName: db.tableName('promotions'), ConsistentRead: true }),
  );
  return Items.filter((item) => item.kind === 'outbox').map(
    (item) => JSON.parse(String(item.event)) as EventEnvelope,
  );
};
