import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { putVersioned } from '@shop/platform/dynamodb';
import type { PromotionsEntry } from '../domain/promotions.entity.ts';
import type { PromotionsRepository } from '../domain/promotions.repository.port.ts';
import { entryItemOf, entryKey } from './promotions-table.keys.ts';
import { entryOf } from './stored-item.schemas.ts';

/** Entries in the service's table, their events in its outbox. */
export class DynamoDbPromotionsRepository implements PromotionsRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async get(entryId: string): Promise<PromotionsEntry | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: entryKey(entryId), ConsistentRead: true }),
    );
    return Item ? entryOf(Item) : undefined;
  }

  create(entry: PromotionsEntry, events: readonly EventEnvelope[]): Promise<boolean> {
    return putVersioned(this.#ddb, {
      tableName: this.#table,
      item: entryItemOf(entry),
      events,
      partitionHint: entry.id,
    });
  }
}
