import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '@shop/contracts/saga';
import type * as z from 'zod';
import { correlationIdOf, type InvocationContext, runInInvocation } from '../invocation/invocation-scope.ts';
import { getLogger, orderIdOf } from '../observability/logger.ts';
import { flushMetrics, setMetricsMetadata } from '../observability/metrics.ts';
import { traced } from '../tracing/tracer.ts';

/**
 * An error a saga task fails with. Its `name` is the Lambda `errorType` that Step Functions matches
 * against `ErrorEquals`, so it is one of the names the service's contracts declare.
 */
export class SagaTaskError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Domain errors and the saga error names they fail the task with; the first match wins. */
export type TaskErrorNames = ReadonlyArray<readonly [ErrorClass, string]>;

export interface SagaTaskOptions<TInput extends z.ZodType, TOutput> {
  /** The state (and function) name: `PlaceOrder`. */
  readonly name: string;
  readonly input: TInput;
  readonly errors: TaskErrorNames;
  /**
   * An input that fails its contract is `TaskInputInvalid`, unless this returns another error for it
   * (payment: a card number where a token belongs is a decline).
   */
  readonly refuseInput?: (error: z.ZodError) => SagaTaskError | undefined;
  readonly run: (input: z.infer<TInput>, invocation: TaskInvocation) => Promise<TOutput>;
}

/** What a task's use case may need to know about its invocation besides the input. */
export interface TaskInvocation {
  /**
   * The shopper request's correlation id, from the saga input's `correlationId`: the events the task
   * publishes carry it. An input without one (a saga started by an older version) falls back to the
   * order id.
   */
  readonly correlationId: string;
}

/** The task function Lambda runs: the state machine's JSON in, the contract's JSON out. */
export type SagaTask<TOutput> = (event: unknown, context?: InvocationContext) => Promise<TOutput>;

export const taskErrorOf = (error: unknown, names: TaskErrorNames): Error => {
  if (error instanceof SagaTaskError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const entry = error instanceof Error ? names.find(([type]) => error instanceof type) : undefined;
  // A domain error already named as the saga knows it keeps its own members (the SKUs out of stock...).
  if (entry && error instanceof Error && error.name === entry[1]) return error;
  // Anything unrecognised (throttling, an outage, a lost race that outlasted its retries) is retried
  // by the saga: every task is idempotent by order id.
  return new SagaTaskError(entry ? entry[1] : TRANSIENT_ERROR, message, { cause: error });
};

/**
 * A saga task: parses the input with its contract, runs the use case, maps the service's domain errors
 * to the error names its state machines catch and anything else to `TransientError`, and logs one INFO
 * line per invocation (task, order, outcome, error name, duration, correlation id).
 *
 * @example
 * export const confirmOrder = defineSagaTask({
 *   name: 'ConfirmOrder', input: ConfirmOrderInput, errors: ORDER_TASK_ERROR_NAMES,
 *   run: ({ orderId }) => confirm(deps, orderId),
 * });
 */
export const defineSagaTask =
  <TInput extends z.ZodType, TOutput>(options: SagaTaskOptions<TInput, TOutput>): SagaTask<TOutput> =>
  (event, context) => {
    const orderId = orderIdOf(event);
    const correlationId = correlationIdOf(event) ?? orderId;
    return runLogged({
      message: 'task',
      name: options.name,
      fields: { task: options.name },
      orderId,
      context,
      correlationId,
      errors: options.errors,
      run: () => {
        const parsed = options.input.safeParse(event);
        if (!parsed.success) {
          throw options.refuseInput?.(parsed.error) ?? inputInvalid(options.name, parsed.error);
        }
        // Every task input names its order, so the fallback to the task's name is only for a contract
        // without `orderId`.
        return options.run(parsed.data, { correlationId: correlationId ?? options.name });
      },
    });
  };

/** `TaskInputInvalid`, naming every field that broke the contract (never its value). */
export const inputInvalid = (name: string, error: z.ZodError): SagaTaskError =>
  new SagaTaskError(
    TASK_INPUT_INVALID,
    `${name}: invalid input: ${error.issues.map((issue) => `/${issue.path.join('/')}: ${issue.message}`).join('; ')}`,
  );

/** The Lambda context members the logger's `addContext` reads; a test's partial context has none. */
const isLambdaContext = (
  context: InvocationContext | undefined,
): context is InvocationContext & Parameters<ReturnType<typeof getLogger>['addContext']>[0] =>
  typeof context === 'object' &&
  context !== null &&
  typeof (context as { awsRequestId?: unknown }).awsRequestId === 'string' &&
  typeof (context as { functionName?: unknown }).functionName === 'string';

/**
 * Runs one invocation of a task or an invoked function: in an invocation scope (remaining time,
 * correlation id), with `correlationId` and `orderId` on every log line it writes, in an X-Ray
 * subsegment annotated with both, its errors mapped by `errors`, one INFO line with the outcome and
 * duration, and its metrics flushed once at the end.
 */
export const runLogged = async <T>(invocation: {
  readonly message: string;
  /** The subsegment's name: the task or function. */
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly orderId?: string | undefined;
  readonly context: InvocationContext | undefined;
  readonly correlationId: string | undefined;
  readonly errors: TaskErrorNames;
  /** Fields of the output worth the log line (a scheduled job's counts). */
  readonly summary?: (output: T) => Readonly<Record<string, unknown>>;
  readonly run: () => Promise<T>;
}): Promise<T> => {
  const started = performance.now();
  const { context, correlationId, orderId } = invocation;
  const remaining = context?.getRemainingTimeInMillis;
  const scope = {
    ...(remaining ? { remainingTimeMs: () => remaining.call(context) } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
  const logger = getLogger();
  if (isLambdaContext(context)) logger.addContext(context);
  const keys = { ...(correlationId ? { correlationId } : {}), ...(orderId ? { orderId } : {}) };
  logger.appendKeys(keys);
  setMetricsMetadata(keys);
  const line = (outcome: 'succeeded' | 'failed', errorName?: string) => ({
    ...invocation.fields,
    outcome,
    ...(errorName ? { errorName } : {}),
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  });
  try {
    const output = await traced(invocation.name, keys, () => runInInvocation(scope, invocation.run));
    logger.info(invocation.message, { ...line('succeeded'), ...invocation.summary?.(output) });
    return output;
  } catch (error) {
    const failure = taskErrorOf(error, invocation.errors);
    logger.info(invocation.message, line('failed', failure.name));
    throw failure;
  } finally {
    logger.removeKeys(Object.keys(keys));
    flushMetrics();
  }
};
