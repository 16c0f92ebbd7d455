import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { OUTBOX_TTL_ATTRIBUTE as TTL_ATTRIBUTE } from '@shop/platform/outbox';
import type { SentEmailLog, SentEmailRecord } from '../domain/sent-email.port.ts';
import { SENT_EMAIL_RETENTION_SECONDS, sentEmailKey } from './notifications-table.keys.ts';
import { sentEmailOf } from './stored-item.schemas.ts';

/** The sent-email log in the service's table, one item per event, expiring after 90 days (TTL). */
export class DynamoDbSentEmailLog implements SentEmailLog {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async find(eventId: string): Promise<SentEmailRecord | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: sentEmailKey(eventId), ConsistentRead: true }),
    );
    return Item ? sentEmailOf(Item) : undefined;
  }

  async record(entry: SentEmailRecord): Promise<void> {
    try {
      await this.#ddb.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...sentEmailKey(entry.eventId),
            kind: 'sent-email',
            ...entry,
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(entry.at) / 1000) + SENT_EMAIL_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
