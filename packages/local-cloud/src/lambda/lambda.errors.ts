/**
 * Errors of the Lambda service itself (not of the function), each carrying the HTTP status and
 * the exception name the Lambda API answers with, so the Invoke API can map them one to one.
 */
export abstract class LambdaServiceError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
}

/** The function is not registered (AWS: `ResourceNotFoundException`, 404). */
export class FunctionNotFoundError extends LambdaServiceError {
  override readonly name = 'FunctionNotFoundError';
  readonly status = 404;
  readonly code = 'ResourceNotFoundException';
  readonly functionArn: string;

  constructor(functionArn: string) {
    super(`Function not found: ${functionArn}`);
    this.functionArn = functionArn;
  }
}

/** The payload is not JSON (AWS: `InvalidRequestContentException`, 400). */
export class InvalidRequestContentError extends LambdaServiceError {
  override readonly name = 'InvalidRequestContentError';
  readonly status = 400;
  readonly code = 'InvalidRequestContentException';
}

/** The payload exceeds Lambda's invocation quota (AWS: `RequestTooLargeException`, 413). */
export class RequestTooLargeError extends LambdaServiceError {
  override readonly name = 'RequestTooLargeError';
  readonly status = 413;
  readonly code = 'RequestTooLargeException';
}

/**
 * A function declares a variable Lambda reserves for itself. AWS rejects such a deployment, so the
 * local host refuses it at registration rather than letting it work here and fail in the cloud.
 */
export class ReservedEnvironmentVariableError extends LambdaServiceError {
  override readonly name = 'ReservedEnvironmentVariableError';
  readonly status = 400;
  readonly code = 'InvalidParameterValueException';
}

/** Why Lambda throttled an invocation: the function's reserved concurrency, or the account's pool. */
export type ThrottleReason =
  | 'ReservedFunctionConcurrentInvocationLimitExceeded'
  | 'ConcurrentInvocationLimitExceeded';

/**
 * A synchronous invocation beyond the function's concurrency (AWS: `TooManyRequestsException`, 429,
 * with a `Reason` and a `Retry-After`). The SDKs treat it as a throttle and retry it; Step Functions
 * surfaces it as `Lambda.TooManyRequestsException`, which the sagas' `Retry` blocks name.
 */
export class TooManyRequestsError extends LambdaServiceError {
  override readonly name = 'TooManyRequestsError';
  readonly status = 429;
  readonly code = 'TooManyRequestsException';
  readonly reason: ThrottleReason;
  readonly retryAfterSeconds: number;

  constructor(reason: ThrottleReason, retryAfterSeconds = 1) {
    super('Rate Exceeded.');
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
