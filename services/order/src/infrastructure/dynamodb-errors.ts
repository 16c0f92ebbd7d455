import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * A failed condition, or a transaction cancelled by one or by a concurrent transaction on the same item
 * (`TransactionConflict`): either way another writer got there first, and the caller re-reads.
 */
export const isLostRace = (error: unknown): boolean => {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (!(error instanceof TransactionCanceledException)) return false;
  return (error.CancellationReasons ?? []).some(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );
};
