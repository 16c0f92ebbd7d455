import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** Cancellation reason codes of a failed TransactWriteItems, by item index; undefined for other errors. */
export const cancellationCodesOf = (error: unknown): string[] | undefined => {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
};

export const CONDITION_FAILED = 'ConditionalCheckFailed';
export const TRANSACTION_CONFLICT = 'TransactionConflict';
