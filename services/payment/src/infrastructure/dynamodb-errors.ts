import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** Which items of a cancelled transaction failed their condition (by index), or undefined if it was not that. */
export const failedConditions = (error: unknown): number[] | undefined => {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const failed = reasons.flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [index] : [],
  );
  // Cancelled for another reason (a conflicting concurrent transaction, throttling): let the caller retry or fail.
  return failed.length > 0 ? failed : undefined;
};

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || failedConditions(error) !== undefined;

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing at the same
 * moment (`TransactionConflict`); that is a race to re-read and re-decide, like a failed condition.
 */
export const isTransactionConflict = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');
