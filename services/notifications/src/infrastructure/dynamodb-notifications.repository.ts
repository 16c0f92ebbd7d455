import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { putVersioned } from '@shop/platform/dynamodb';
import type { NotificationsEntry } from '../domain/notifications.entity.ts';
import type { NotificationsRepository } from '../domain/notifications.repository.port.ts';
import { entryItemOf, entryKey } from './notifications-table.keys.ts';
import { entryOf } from './stored-item.schemas.ts';

/** Entries in the service's table, their events in its outbox. */
export class DynamoDbNotificationsRepository implements NotificationsRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async get(entryId: string): Promise<NotificationsEntry | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: entryKey(entryId), ConsistentRead: true }),
    );
    return Item ? entryOf(Item) : undefined;
  }

  create(entry: NotificationsEntry, events: readonly EventEnvelope[]): Promise<boolean> {
    return putVersioned(this.#ddb, {
      tableName: this.#table,
      item: entryItemOf(entry),
      events,
      partitionHint: entry.id,
    });
  }
}
