import { SqsApiError } from './sqs.errors.ts';
import type { BatchResult } from './sqs.types.ts';

export const MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

export type BatchAction = 'SendMessageBatch' | 'DeleteMessageBatch' | 'ChangeMessageVisibilityBatch';

/** The checks that fail a whole batch request, with AWS's wording (which names the entry type of the action). */
export const assertBatchEntries = (
  action: BatchAction,
  entries: readonly { Id: string }[] | undefined,
): void => {
  if (!entries || entries.length === 0) {
    throw new SqsApiError(
      'EmptyBatchRequest',
      `There should be at least one ${action}RequestEntry in the request.`,
    );
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsApiError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (typeof Id !== 'string' || !BATCH_ENTRY_ID.test(Id)) {
      throw new SqsApiError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(Id)) throw new SqsApiError('BatchEntryIdsNotDistinct', `Id ${Id} repeated.`);
    seen.add(Id);
  }
};

/** Runs each entry on its own: an SQS error becomes that entry's `Failed` item, anything else fails the request. */
export const runBatch = <E extends { Id: string }, R>(
  entries: readonly E[],
  run: (entry: E) => R,
): BatchResult<R> => {
  const result: BatchResult<R> = { Successful: [], Failed: [] };
  for (const entry of entries) {
    try {
      result.Successful.push(run(entry));
    } catch (error) {
      if (!(error instanceof SqsApiError)) throw error;
      result.Failed.push({
        Id: entry.Id,
        SenderFault: error.senderFault,
        Code: error.queryCode,
        Message: error.message,
      });
    }
  }
  return result;
};
