import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { currentInvocation } from '../invocation/invocation-scope.ts';

export interface CallPolicyOptions {
  /** Attempts in all, the first included. Default 3. */
  readonly maxAttempts?: number;
  /**
   * The whole call's budget is the caller's remaining time (its Lambda context) minus this margin:
   * what the caller keeps for its own work after the call, so that it still answers (a 503 say)
   * instead of timing out when the callee does not. Default 3000 ms.
   */
  readonly marginMs?: number;
  /** The budget when the caller has no Lambda context (tests, scripts). Default 3000 ms. */
  readonly defaultBudgetMs?: number;
  /** At most this long per attempt, within the budget. Default: an equal share of the budget per attempt. */
  readonly attemptTimeoutMs?: number;
  /** First backoff delay (exponential, decorrelated jitter). Default 50 ms. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly breaker?: {
    /**
     * What counts towards opening the circuit: each failed `attempt` (a dead callee opens it within
     * one call's retries), or each failed `call` (one call's retries count once). Default `call`.
     */
    readonly counts?: 'attempt' | 'call';
    /** Consecutive failures that open the circuit. Default 5. */
    readonly after?: number;
    /** How long the circuit stays open before one trial. Default 10 s. */
    readonly halfOpenAfterMs?: number;
  };
}

/** Lambda function errors worth another attempt: the function timed out, crashed or was throttled. */
const RETRYABLE_FUNCTION_ERRORS = new Set([
  'Sandbox.Timedout',
  'Runtime.ExitError',
  'TooManyRequestsException',
  'TransientError',
]);

/** The callee ran and failed with this Lambda `errorType`. */
export class InternalFunctionError extends Error {
  readonly errorType: string;

  constructor(ref: string, errorType: string, detail?: string) {
    super(`${ref} failed: ${errorType}${detail ? `: ${detail}` : ''}`);
    this.name = 'InternalFunctionError';
    this.errorType = errorType;
  }
}

/** The callee answered outside its contract: a bug on one side, not worth a retry. */
export class InternalContractError extends Error {
  constructor(ref: string, detail: string) {
    super(`${ref} answered outside its contract: ${detail}`);
    this.name = 'InternalContractError';
  }
}

/**
 * Worth another attempt: timeouts, throttling and the Lambda service's own faults (5xx, no answer
 * at all). A function's own error and an answer outside the contract are final; so is an open circuit.
 */
export const isRetryable = (error: unknown): boolean => {
  if (error instanceof BrokenCircuitError || error instanceof InternalContractError) return false;
  if (error instanceof TaskCancelledError) return true;
  if (error instanceof InternalFunctionError) return RETRYABLE_FUNCTION_ERRORS.has(error.errorType);
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true; // no HTTP answer: the network failed or the request timed out
  return status === 429 || status >= 500 || error.name === 'TooManyRequestsException';
};

export interface CallPolicy {
  /** Runs one call: every attempt gets an abort signal that fires at its timeout. */
  execute<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T>;
  readonly breaker: CircuitBreakerPolicy;
}

/**
 * One resilience policy for calls to another service's function: a timeout from the caller's
 * remaining time, retries with exponential backoff and jitter on retryable failures only, and a
 * circuit breaker so that a dead callee costs nothing once the circuit is open. Build one per
 * function instance and reuse it: the breaker's memory is the point.
 */
export const createCallPolicy = (options: CallPolicyOptions = {}): CallPolicy => {
  const counts = options.breaker?.counts ?? 'call';
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 10_000,
    breaker: new ConsecutiveBreaker(options.breaker?.after ?? 5),
  });
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  // cockatiel's own `maxAttempts` counts the retries after the first attempt.
  const retries = retry(handleWhen(isRetryable), {
    maxAttempts: maxAttempts - 1,
    backoff: new ExponentialBackoff({
      initialDelay: options.initialDelayMs ?? 50,
      maxDelay: options.maxDelayMs ?? 400,
    }),
  });
  const budgetMs = (): number => {
    const remaining = currentInvocation()?.remainingTimeMs?.();
    const budget =
      remaining === undefined ? (options.defaultBudgetMs ?? 3_000) : remaining - (options.marginMs ?? 3_000);
    return Math.max(1, budget);
  };
  return {
    breaker,
    execute: <T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const budget = budgetMs();
      const whole = timeout(budget, TimeoutStrategy.Aggressive);
      const share = Math.max(1, Math.floor(budget / maxAttempts));
      const perAttempt = timeout(
        Math.min(options.attemptTimeoutMs ?? share, budget),
        TimeoutStrategy.Aggressive,
      );
      const policy =
        counts === 'attempt'
          ? wrap(whole, retries, breaker, perAttempt)
          : wrap(whole, breaker, retries, perAttempt);
      return policy.execute(({ signal }) => run(signal));
    },
  };
};
