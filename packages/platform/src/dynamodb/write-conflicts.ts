import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export const CONDITION_FAILED = 'ConditionalCheckFailed';
export const TRANSACTION_CONFLICT = 'TransactionConflict';

/** Cancellation reason codes of a failed TransactWriteItems, by item index; undefined for other errors. */
export const cancellationCodesOf = (error: unknown): string[] | undefined => {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
};

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
