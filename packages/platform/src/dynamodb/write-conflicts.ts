import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export const CONDITION_FAILED = 'ConditionalCheckFailed';
export const TRANSACTION_CONFLICT = 'TransactionConflict';

type Item = Record<string, unknown>;

/** Why one item of a cancelled transaction failed, with the item as it stood when it was a condition. */
export interface CancellationReason {
  readonly code: string;
  /** Set for a failed condition of an item written with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`. */
  readonly old?: Item;
}

/** A DynamoDB item as returned on a failed condition, unmarshalled; undefined when there was none. */
export const unmarshalledItem = (item: Record<string, AttributeValue> | undefined): Item | undefined =>
  item && Object.keys(item).length > 0 ? unmarshall(item) : undefined;

/**
 * The reasons of a cancelled `TransactWriteItems`, one per item in the order they were sent; undefined
 * for any other error.
 */
export const cancellationReasonsOf = (error: unknown): CancellationReason[] | undefined => {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => {
    const old = unmarshalledItem(reason.Item);
    return { code: reason.Code ?? 'None', ...(old ? { old } : {}) };
  });
};

/** Cancellation reason codes of a failed TransactWriteItems, by item index; undefined for other errors. */
export const cancellationCodesOf = (error: unknown): string[] | undefined =>
  cancellationReasonsOf(error)?.map((reason) => reason.code);

/** Which items of a cancelled transaction failed their condition (by index); undefined if none did. */
export const failedConditions = (error: unknown): number[] | undefined => {
  const failed = (cancellationCodesOf(error) ?? []).flatMap((code, index) =>
    code === CONDITION_FAILED ? [index] : [],
  );
  return failed.length > 0 ? failed : undefined;
};

/** A single write's condition failed, or a transaction was cancelled by one of its conditions. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || failedConditions(error) !== undefined;

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing at the same
 * moment (`TransactionConflict`): a race to re-read and re-decide, like a failed condition.
 */
export const isTransactionConflict = (error: unknown): boolean =>
  (cancellationCodesOf(error) ?? []).includes(TRANSACTION_CONFLICT);

/** Another writer got there first (a failed condition or a conflicting transaction): re-read and re-decide. */
export const isLostRace = (error: unknown): boolean =>
  isConditionFailure(error) || isTransactionConflict(error);
