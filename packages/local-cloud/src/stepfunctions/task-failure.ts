/** An error and cause as Step Functions reports them (history, Catch output, execution failure). */
export interface TaskFailure {
  readonly error: string;
  readonly cause: string;
}

/**
 * What a Task throws into the engine. The engine matches `ErrorEquals` on `name` and reports `message`
 * as the cause (Catch output, history), so both carry what AWS reports: the error name and AWS's cause text.
 */
export class TaskFailedError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Errors AWS reports as `States.Runtime`: neither retried nor caught. The engine reads these two getters
 * the same way on its own runtime errors.
 */
export class StatesRuntimeTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
  get isRetryable(): boolean {
    return false;
  }
  get isCatchable(): boolean {
    return false;
  }
}
