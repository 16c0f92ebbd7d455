import { randomUUID } from 'node:crypto';
import type { FunctionError, InvokeResult } from '../lambda/lambda.types.ts';
import { isRecord, type LambdaTaskStyle } from './asl-definition.util.ts';
import { StatesRuntimeTaskError, type TaskFailure } from './task-failure.ts';

/** A Task state that runs a Lambda function, as found in the definition. */
export interface LambdaTaskSpec {
  readonly stateName: string;
  readonly style: LambdaTaskStyle;
  readonly resource: string;
}

export interface LambdaCall {
  readonly functionName: string;
  readonly payload: unknown;
}

/** The function and payload of one task attempt, from the state's effective input (after InputPath/Parameters). */
export const resolveLambdaCall = (spec: LambdaTaskSpec, input: unknown): LambdaCall => {
  if (spec.style === 'function') return { functionName: spec.resource, payload: input };
  if (!isRecord(input) || typeof input.FunctionName !== 'string') {
    throw new StatesRuntimeTaskError(
      `state "${spec.stateName}": arn:aws:states:::lambda:invoke needs Parameters with a FunctionName string`,
    );
  }
  // Lambda hands an invocation without payload to the function as an empty object.
  return { functionName: input.FunctionName, payload: input.Payload ?? {} };
};

/**
 * A function error as Step Functions reports it: the error name is the function's `errorType`, the
 * cause the JSON of Lambda's error payload. A function timeout is `Sandbox.Timedout`, the errorType
 * current Lambda runtimes return for it (older documentation calls it `Lambda.Unknown`; both match
 * `States.ALL` and `States.TaskFailed`).
 */
export const functionFailure = (error: FunctionError, timedOut: boolean): TaskFailure => {
  if (timedOut) {
    return {
      error: 'Sandbox.Timedout',
      cause: JSON.stringify({ errorMessage: error.errorMessage, errorType: 'Sandbox.Timedout' }),
    };
  }
  if (!error.errorType) {
    return {
      error: 'Lambda.Unknown',
      cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${JSON.stringify({ errorMessage: error.errorMessage })}`,
    };
  }
  return {
    error: error.errorType,
    cause: JSON.stringify({
      errorMessage: error.errorMessage,
      errorType: error.errorType,
      trace: error.trace ?? [],
    }),
  };
};

/**
 * The invoker itself failed (function unknown, host down ...): Step Functions reports the Lambda
 * service's exception as `Lambda.<ExceptionName>`, `Lambda.ServiceException` when it has no better name.
 * The exception name comes from the error's `code` (the local host's service errors carry it) or `name`.
 */
export const serviceFailure = (thrown: unknown): TaskFailure => {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const fields = isRecord(thrown) ? thrown : {};
  const candidates = [fields.code, thrown instanceof Error ? thrown.name : undefined];
  const code =
    candidates.find((c): c is string => typeof c === 'string' && /^[A-Z]\w*Exception$/.test(c)) ??
    'ServiceException';
  const status =
    typeof fields.status === 'number'
      ? fields.status
      : code === 'ResourceNotFoundException'
        ? 404
        : code === 'TooManyRequestsException'
          ? 429
          : 500;
  return {
    error: `Lambda.${code}`,
    cause: `${message} (Service: Lambda, Status Code: ${status}, Request ID: ${randomUUID()})`,
  };
};

/** The result of the optimized integration: Lambda's Invoke response as the SDK returns it to Step Functions. */
export const invokeEnvelope = (payload: unknown): Record<string, unknown> => {
  const requestId = randomUUID();
  const date = new Date().toUTCString();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload ?? null,
    SdkHttpMetadata: {
      AllHttpHeaders: {
        'X-Amz-Executed-Version': ['$LATEST'],
        'x-amzn-Remapped-Content-Length': ['0'],
        Connection: ['keep-alive'],
        'x-amzn-RequestId': [requestId],
        'Content-Type': ['application/json'],
        Date: [date],
      },
      HttpHeaders: {
        Connection: 'keep-alive',
        'Content-Type': 'application/json',
        Date: date,
        'X-Amz-Executed-Version': '$LATEST',
        'x-amzn-Remapped-Content-Length': '0',
        'x-amzn-RequestId': requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
};

/** Turns an invoker result into the task result, or the failure to throw. */
export const taskOutcome = (
  spec: LambdaTaskSpec,
  result: InvokeResult,
): { readonly ok: true; readonly output: unknown } | { readonly ok: false; readonly failure: TaskFailure } =>
  result.ok
    ? {
        ok: true,
        output: spec.style === 'invoke' ? invokeEnvelope(result.payload) : (result.payload ?? null),
      }
    : { ok: false, failure: functionFailure(result.error, result.timedOut) };
