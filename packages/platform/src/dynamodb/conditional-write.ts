import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { CONDITION_FAILED, cancellationReasonsOf, unmarshalledItem } from './write-conflicts.ts';

type Item = Record<string, unknown>;

/**
 * What a conditional write did. `written: false` means its condition failed, and `old` is the item as
 * it stood (undefined: there was none), so the caller can tell a replay from a conflict without
 * reading it again.
 */
export type ConditionalWrite<TWritten extends object = object> =
  | ({ readonly written: true } & TWritten)
  | { readonly written: false; readonly old: Item | undefined };

/** A single write's failed condition as its result (with the item as it stood); any other error thrown. */
const conditionFailed = (error: unknown): { readonly written: false; readonly old: Item | undefined } => {
  if (error instanceof ConditionalCheckFailedException)
    return { written: false, old: unmarshalledItem(error.Item) };
  throw error;
};

/**
 * PutItem with its condition, asking for the stored item when the condition fails: one round trip
 * either way.
 *
 * @example
 * const put = await conditionalPut(ddb, { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' });
 * if (!put.written && put.old?.requestHash === Item.requestHash) { ... a replay ... }
 */
export const conditionalPut = async (
  ddb: DynamoDBDocumentClient,
  input: PutCommandInput & { readonly ConditionExpression: string },
): Promise<ConditionalWrite> => {
  try {
    await ddb.send(new PutCommand({ ...input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    return { written: true };
  } catch (error) {
    return conditionFailed(error);
  }
};

/**
 * Creates an item unless one with its key exists, and otherwise returns that one: what a create that
 * may be a repetition needs, in one round trip.
 *
 * @example
 * const created = await putIfAbsent(ddb, { tableName, item: orderItemOf(order) });
 * const stored = created.written ? order : orderOf(created.old);
 */
export const putIfAbsent = (
  ddb: DynamoDBDocumentClient,
  write: { readonly tableName: string; readonly item: Item; readonly partitionKey?: string },
): Promise<ConditionalWrite> =>
  conditionalPut(ddb, {
    TableName: write.tableName,
    Item: write.item,
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': write.partitionKey ?? 'pk' },
  });

/**
 * UpdateItem with its condition, returning the item as written (`ALL_NEW`) or, when the condition
 * fails, as it stood: one round trip either way.
 *
 * @example
 * const update = await conditionalUpdate(ddb, { TableName, Key, UpdateExpression, ConditionExpression, ... });
 * if (update.written) return toEntity(update.item);
 */
export const conditionalUpdate = async (
  ddb: DynamoDBDocumentClient,
  input: Omit<UpdateCommandInput, 'ReturnValues'> & { readonly ConditionExpression: string },
): Promise<ConditionalWrite<{ readonly item: Item }>> => {
  try {
    const { Attributes } = await ddb.send(
      new UpdateCommand({
        ...input,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { written: true, item: Attributes ?? {} };
  } catch (error) {
    return conditionFailed(error);
  }
};

/**
 * TransactWriteItems whose item at `conditionIndex` carries the condition that decides the write
 * (sent with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). When that condition fails, `old` is
 * that item as it stood. Any other cancellation (another item's condition, a conflicting transaction)
 * is thrown as it came, for the caller's retry to handle.
 */
export const conditionalTransaction = async (
  ddb: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
  conditionIndex = 0,
): Promise<ConditionalWrite> => {
  const items = (input.TransactItems ?? []).map((entry, index) => {
    if (index !== conditionIndex) return entry;
    const [kind] = Object.keys(entry) as (keyof typeof entry)[];
    const operation = kind ? entry[kind] : undefined;
    if (!kind || !operation) throw new Error(`transaction item ${index} has no operation`);
    return { [kind]: { ...operation, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
  }) as NonNullable<TransactWriteCommandInput['TransactItems']>;
  try {
    await ddb.send(new TransactWriteCommand({ ...input, TransactItems: items }));
    return { written: true };
  } catch (error) {
    const reason = cancellationReasonsOf(error)?.[conditionIndex];
    if (reason?.code === CONDITION_FAILED) return { written: false, old: reason.old };
    throw error;
  }
};
