import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/platform/dynamodb';
import type { NotificationsDeps } from './application/notifications.deps.ts';
import { DynamoDbNotificationsRepository } from './infrastructure/dynamodb-notifications.repository.ts';

/** The one place the notifications service chooses its adapters; handlers only call this. */
export const createNotificationsDeps = (
  tableName: string,
  ddb: DynamoDBDocumentClient = createDocumentClient(),
): NotificationsDeps => ({
  entries: new DynamoDbNotificationsRepository(ddb, tableName),
  source: 'notifications',
});
