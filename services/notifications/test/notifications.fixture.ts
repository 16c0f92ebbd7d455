import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { startTestDynamoDb, type TestDynamoDb } from '@shop/local-cloud/testing';
import type { NotificationsDeps } from '../src/application/notifications.deps.ts';
import { createNotificationsDeps } from '../src/composition-root.ts';
import service from '../src/service.ts';

/** DynamoDB Local with the service's table, created from its definition, and the service's deps on it. */
export const startNotificationsDb = async (): Promise<{ db: TestDynamoDb; deps: NotificationsDeps }> => {
  const db = await startTestDynamoDb([service]);
  return { db, deps: createNotificationsDeps(db.tableName('notifications'), db.documentClient) };
};

/** The events in the table's outbox (a Scan: tests only). */
export const outboxEvents = async (db: TestDynamoDb): Promise<EventEnvelope[]> => {
  const { Items = [] } = await db.documentClient.send(
    new ScanCommand({ TableName: db.tableName('notifications'), ConsistentRead: true }),
  );
  return Items.filter((item) => item.kind === 'outbox').map(
    (item) => JSON.parse(String(item.event)) as EventEnvelope,
  );
};
