import type { RunOptions } from 'aws-local-stepfunctions';
import type { LambdaInvoker } from '../lambda/lambda.types.ts';
import type { ExecutionRecorder, TaskSpec } from './execution-history.recorder.ts';
import { resolveLambdaCall, serviceFailure, taskOutcome } from './lambda-task.adapter.ts';
import {
  callDynamoDb,
  dynamoDbFailure,
  sendSqsMessage,
  sqsFailure,
  type TaskIntegrations,
} from './service-task.adapter.ts';
import { StatesRuntimeTaskError, TaskFailedError, type TaskFailure } from './task-failure.ts';
import { HeartbeatTimeoutError, type ParkedTask, type TaskTokenRegistry } from './task-token.registry.ts';

export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type JsonValue = Parameters<TaskHandlers[string]>[0];

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The context object's `Task` of one execution attempt: every read of `$$.Task.Token` mints a token.
 * The engine evaluates a state's Parameters and calls its task handler in one synchronous step, so the
 * handler that runs next takes the token its own Parameters just read.
 */
export class TaskTokenContext {
  readonly #tokens: TaskTokenRegistry;
  #minted: string | undefined;
  /** What the engine's context object carries as `Task`. */
  readonly task: { readonly Token: string };

  constructor(tokens: TaskTokenRegistry) {
    this.#tokens = tokens;
    const self = this;
    this.task = {
      get Token(): string {
        self.#minted = self.#tokens.mint();
        return self.#minted;
      },
    };
  }

  /** The token the current state's Parameters read, or a new one when they read none. */
  take(): string {
    const token = this.#minted ?? this.#tokens.mint();
    this.#minted = undefined;
    return token;
  }
}

export interface TaskRunnerDeps {
  readonly invoker: LambdaInvoker;
  readonly tokens: TaskTokenRegistry;
  readonly integrations: () => TaskIntegrations;
}

export interface TaskAttemptScope {
  readonly executionArn: string;
  readonly recorder: ExecutionRecorder;
  readonly tokenContext: TaskTokenContext;
  /** The X-Ray header a state's Lambda invocation runs under, when the execution is traced. */
  readonly traceHeaderOf?: (stateName: string) => string;
}

interface PreparedCall {
  /** Calls the service; resolves with what the task outputs (or submits, for `.waitForTaskToken`). */
  readonly call: () => Promise<unknown>;
  readonly failureOf: (thrown: unknown) => TaskFailure;
}

/** Checks the task's Parameters and picks the service call; a bad request is States.Runtime, as in AWS. */
const prepare = (
  deps: TaskRunnerDeps,
  spec: TaskSpec,
  input: JsonValue,
  traceHeader: string | undefined,
): PreparedCall => {
  const { integration } = spec;
  if (integration.service === 'lambda') {
    const lambdaSpec = { stateName: spec.stateName, style: integration.style, resource: spec.resource };
    const request = resolveLambdaCall(lambdaSpec, input);
    return {
      call: async () => {
        const outcome = taskOutcome(
          lambdaSpec,
          await deps.invoker.invoke(
            request.functionName,
            request.payload,
            traceHeader ? { traceId: traceHeader } : {},
          ),
        );
        if (!outcome.ok) throw new TaskFailedError(outcome.failure.error, outcome.failure.cause);
        return outcome.output;
      },
      failureOf: serviceFailure,
    };
  }
  const integrations = deps.integrations();
  if (integration.service === 'sqs') {
    return { call: () => sendSqsMessage(integrations.sqs, input), failureOf: sqsFailure };
  }
  return {
    call: () => callDynamoDb(integrations.dynamoDb, integration.action, input),
    failureOf: dynamoDbFailure,
  };
};

const failureFrom = (thrown: unknown, failureOf: (thrown: unknown) => TaskFailure): TaskFailure =>
  thrown instanceof TaskFailedError ? { error: thrown.name, cause: thrown.message } : failureOf(thrown);

/**
 * The engine's local handler for one Task state: records Scheduled/Started, calls the service (Lambda
 * through the invoker, SQS and DynamoDB through the integrations), and for `.waitForTaskToken` records
 * Submitted and waits for SendTaskSuccess/Failure (or the heartbeat to lapse). Failures reach the
 * engine as errors named as AWS names them, so Retry and Catch match as they would in AWS.
 */
const runTask = async (
  deps: TaskRunnerDeps,
  spec: TaskSpec,
  scope: TaskAttemptScope,
  input: JsonValue,
): Promise<JsonValue> => {
  // Taken before anything is awaited: the token belongs to these Parameters.
  const token = spec.integration.waitForTaskToken ? scope.tokenContext.take() : undefined;
  // The engine calls this right after emitting the state's Entered event, which the recorder consumes
  // asynchronously: let it catch up so the task events follow the Entered event.
  await nextTurn();
  let prepared: PreparedCall;
  try {
    prepared = prepare(deps, spec, input, scope.traceHeaderOf?.(spec.stateName));
  } catch (error) {
    if (error instanceof StatesRuntimeTaskError) throw error;
    throw new StatesRuntimeTaskError((error as Error).message);
  }
  const { recorder } = scope;
  const parked: ParkedTask | undefined =
    token === undefined
      ? undefined
      : deps.tokens.park(token, {
          executionArn: scope.executionArn,
          ...(spec.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: spec.heartbeatSeconds }),
        });
  const inflight = recorder.taskScheduled(spec, input);
  if (parked) inflight.onAbandoned = () => parked.close();
  if (inflight.abandoned) parked?.close();

  let response: unknown;
  try {
    response = await prepared.call();
  } catch (thrown) {
    parked?.close();
    if (thrown instanceof StatesRuntimeTaskError) throw thrown;
    const failure = failureFrom(thrown, prepared.failureOf);
    recorder.taskFailed(inflight, failure);
    throw new TaskFailedError(failure.error, failure.cause);
  }
  if (!parked) {
    recorder.taskSucceeded(inflight, response);
    return response as JsonValue;
  }
  recorder.taskSubmitted(inflight, response);
  try {
    const output = await parked.result;
    recorder.taskSucceeded(inflight, output);
    return output as JsonValue;
  } catch (thrown) {
    if (thrown instanceof HeartbeatTimeoutError) recorder.taskTimedOut(inflight, thrown.name);
    else if (thrown instanceof TaskFailedError)
      recorder.taskFailed(inflight, { error: thrown.name, cause: thrown.message });
    throw thrown;
  }
};

/** The engine's `taskResourceLocalHandlers` for one execution attempt, keyed by state name. */
export const taskHandlersFor = (
  deps: TaskRunnerDeps,
  tasks: readonly TaskSpec[],
  scope: TaskAttemptScope,
): TaskHandlers => {
  const handlers: TaskHandlers = {};
  for (const spec of tasks) handlers[spec.stateName] = (input) => runTask(deps, spec, scope, input);
  return handlers;
};
