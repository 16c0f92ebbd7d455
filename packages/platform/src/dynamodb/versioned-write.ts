import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { outboxPut } from '../outbox/outbox.ts';
import { isLostRace } from './write-conflicts.ts';

/** The attribute that counts an aggregate's changes (optimistic locking, event order). */
export const VERSION_ATTRIBUTE = 'version';

export interface VersionedWrite {
  readonly tableName: string;
  /** The whole new item, its `version` included. */
  readonly item: Record<string, unknown>;
  /** The version the change was decided on; absent: the item must not exist yet. */
  readonly expectedVersion?: number;
  /** A further condition on the stored item (e.g. its status), with its own names and values. */
  readonly condition?: {
    readonly expression: string;
    readonly names?: Readonly<Record<string, string>>;
    readonly values?: Readonly<Record<string, unknown>>;
  };
  /** Events the change announces: written to the outbox in the same transaction. */
  readonly events?: readonly EventEnvelope[];
  /** Orders the events among those that share it (the aggregate id): the FIFO message group. */
  readonly partitionHint?: string;
  /** The table's partition key attribute; `pk` by default. */
  readonly partitionKey?: string;
}

/**
 * Writes an aggregate conditionally on the version its change was decided on, together with the
 * outbox items of the events it announces (one `TransactWriteItems`: the events are published if and
 * only if the change is committed). Returns false when another writer got there first (a failed
 * condition or a conflicting transaction): read again and decide again, e.g. with `retryLostRaces`.
 *
 * @example
 * const written = await putVersioned(ddb, { tableName, item: toItem(next), expectedVersion: previous.version, events, partitionHint: next.id });
 */
export const putVersioned = async (ddb: DynamoDBDocumentClient, write: VersionedWrite): Promise<boolean> => {
  const pk = write.partitionKey ?? 'pk';
  const versionCondition =
    write.expectedVersion === undefined ? `attribute_not_exists(#pk)` : '#version = :version';
  const names: Record<string, string> = {
    ...(write.expectedVersion === undefined ? { '#pk': pk } : { '#version': VERSION_ATTRIBUTE }),
    ...write.condition?.names,
  };
  const values: Record<string, unknown> = {
    ...(write.expectedVersion === undefined ? {} : { ':version': write.expectedVersion }),
    ...write.condition?.values,
  };
  const put = {
    TableName: write.tableName,
    Item: write.item,
    ConditionExpression: write.condition
      ? `${write.condition.expression} AND ${versionCondition}`
      : versionCondition,
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
  const events = write.events ?? [];
  try {
    if (events.length === 0) {
      await ddb.send(new PutCommand(put));
    } else {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            ...events.map((event) =>
              outboxPut(write.tableName, event, {
                partitionKey: pk,
                ...(write.partitionHint === undefined ? {} : { partitionHint: write.partitionHint }),
              }),
            ),
          ],
        }),
      );
    }
    return true;
  } catch (error) {
    if (isLostRace(error)) return false;
    throw error;
  }
};
