import { randomBytes } from 'node:crypto';
import { StepFunctionsApiError } from './stepfunctions.errors.ts';
import { TaskFailedError } from './task-failure.ts';

/** A `.waitForTaskToken` task waiting for SendTaskSuccess / SendTaskFailure. */
export interface ParkedTask {
  readonly token: string;
  /** Resolves with the output of SendTaskSuccess; rejects with the failure, a heartbeat timeout or a close. */
  readonly result: Promise<unknown>;
  /** The task is over for the engine (state timeout, abort): later calls with the token are TaskTimedOut. */
  close(): void;
}

interface OpenTask {
  readonly executionArn: string;
  readonly heartbeatMs: number | undefined;
  timer: NodeJS.Timeout | undefined;
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/** The parked task ended without an answer; the engine has moved on, nothing is recorded. */
export class TaskClosedError extends Error {
  constructor() {
    super('The task is no longer waiting for its token');
    this.name = 'TaskClosedError';
  }
}

/** No SendTaskHeartbeat (or answer) within the state's `HeartbeatSeconds`. */
export class HeartbeatTimeoutError extends Error {
  constructor() {
    super('States.HeartbeatTimeout');
    this.name = 'States.HeartbeatTimeout';
  }
}

const TOKEN_PREFIX = 'AQ';
const TOKEN_BYTES = 96;
const OUR_TOKEN = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{${Math.ceil((TOKEN_BYTES * 4) / 3)}}$`);
const MAX_TOKEN_LENGTH = 2048;
const MAX_OUTPUT_BYTES = 256 * 1024;
/** How many ended tokens are remembered to answer TaskTimedOut rather than TaskDoesNotExist. */
const REMEMBERED_CLOSED = 10_000;

/**
 * The callback pattern: tokens handed to `.waitForTaskToken` tasks (`$$.Task.Token`), and the
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat calls that answer them, with `HeartbeatSeconds`.
 * Tokens live in memory: a task resumed after a restart runs again and hands out a new token.
 */
export class TaskTokenRegistry {
  readonly #open = new Map<string, OpenTask>();
  readonly #closed = new Set<string>();

  /** A new opaque token (AWS's are long base64 strings too). */
  mint(): string {
    return `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  }

  park(
    token: string,
    options: { readonly executionArn: string; readonly heartbeatSeconds?: number },
  ): ParkedTask {
    let resolve: (output: unknown) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const result = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const task: OpenTask = {
      executionArn: options.executionArn,
      heartbeatMs: options.heartbeatSeconds === undefined ? undefined : options.heartbeatSeconds * 1000,
      timer: undefined,
      resolve,
      reject,
    };
    this.#open.set(token, task);
    this.#arm(token, task);
    return { token, result, close: () => this.#finish(token, (t) => t.reject(new TaskClosedError())) };
  }

  #arm(token: string, task: OpenTask): void {
    clearTimeout(task.timer);
    if (task.heartbeatMs === undefined) return;
    task.timer = setTimeout(
      () => this.#finish(token, (t) => t.reject(new HeartbeatTimeoutError())),
      task.heartbeatMs,
    );
  }

  #finish(token: string, settle: (task: OpenTask) => void): void {
    const task = this.#open.get(token);
    if (!task) return;
    clearTimeout(task.timer);
    this.#open.delete(token);
    this.#closed.add(token);
    if (this.#closed.size > REMEMBERED_CLOSED) {
      const oldest = this.#closed.values().next().value;
      if (oldest !== undefined) this.#closed.delete(oldest);
    }
    settle(task);
  }

  #require(token: unknown): OpenTask {
    if (typeof token !== 'string' || token === '') {
      throw new StepFunctionsApiError('MissingRequiredParameter', "Missing required parameter: 'taskToken'");
    }
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new StepFunctionsApiError(
        'ValidationException',
        `1 validation error detected: Value at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TOKEN_LENGTH}`,
      );
    }
    const task = this.#open.get(token);
    if (task) return task;
    if (this.#closed.has(token)) throw new StepFunctionsApiError('TaskTimedOut', 'Task Timed Out');
    if (!OUR_TOKEN.test(token)) {
      throw new StepFunctionsApiError('InvalidToken', "Invalid Token: 'Provided task token is malformed.'");
    }
    throw new StepFunctionsApiError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  /** SendTaskSuccess: `output` is JSON text, the task's result. */
  succeed(token: unknown, output: unknown): void {
    this.#require(token);
    if (typeof output !== 'string') {
      throw new StepFunctionsApiError('MissingRequiredParameter', "Missing required parameter: 'output'");
    }
    if (Buffer.byteLength(output) > MAX_OUTPUT_BYTES) {
      throw new StepFunctionsApiError('InvalidOutput', 'Invalid Output: larger than 256 KiB');
    }
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch (error) {
      throw new StepFunctionsApiError('InvalidOutput', `Invalid Output: '${(error as Error).message}'`);
    }
    this.#finish(token as string, (task) => task.resolve(value));
  }

  /** SendTaskFailure: the task fails with `error` (matched by Retry/Catch) and `cause`. */
  fail(token: unknown, error: string | undefined, cause: string | undefined): void {
    this.#require(token);
    this.#finish(token as string, (task) => task.reject(new TaskFailedError(error ?? '', cause ?? '')));
  }

  /** SendTaskHeartbeat: restarts the `HeartbeatSeconds` clock. */
  heartbeat(token: unknown): void {
    const task = this.#require(token);
    this.#arm(token as string, task);
  }

  /** The execution ended or stopped: its waiting tasks will never be answered. */
  closeExecution(executionArn: string): void {
    for (const [token, task] of this.#open) {
      if (task.executionArn === executionArn) this.#finish(token, (t) => t.reject(new TaskClosedError()));
    }
  }

  closeAll(): void {
    for (const token of [...this.#open.keys()]) this.#finish(token, (t) => t.reject(new TaskClosedError()));
  }
}
