/**
 * Error names every service's saga tasks share. Step Functions matches a `Retry`/`Catch`
 * `ErrorEquals` against the Lambda `errorType`, which is the thrown error's `name`.
 */

/** The task's input does not match its contract: a bug in the state machine, never retried. */
export const TASK_INPUT_INVALID = 'TaskInputInvalid';

/**
 * Anything the task did not recognise (DynamoDB throttling, a lost write race, an outage): every task
 * is idempotent by order id, so the saga retries it with backoff.
 */
export const TRANSIENT_ERROR = 'TransientError';

export const SAGA_TASK_ERRORS = { inputInvalid: TASK_INPUT_INVALID, transient: TRANSIENT_ERROR } as const;
