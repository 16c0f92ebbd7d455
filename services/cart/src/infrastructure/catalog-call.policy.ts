import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  type IPolicy,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';

export interface CatalogCallPolicyOptions {
  /** Per attempt. Default 2000 ms: a lookup is one BatchGet, but a cold catalog function needs a moment. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  readonly retries?: number;
  /** First backoff delay (exponential, decorrelated jitter). Default 50 ms. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Consecutive failures that open the circuit. Default 5. */
  readonly breakAfter?: number;
  /** How long the circuit stays open before one trial call. Default 10 s. */
  readonly halfOpenAfterMs?: number;
}

export interface CatalogCallPolicy {
  readonly policy: IPolicy;
  readonly breaker: CircuitBreakerPolicy;
}

/**
 * How the cart calls the catalog: a timeout per attempt, inside a circuit breaker (so a dead catalog
 * costs callers nothing once the circuit is open), inside retries with exponential backoff and
 * jitter that give up at once when the circuit is open. Build one per function instance and reuse
 * it: the breaker's memory is the point.
 */
export const createCatalogCallPolicy = (options: CatalogCallPolicyOptions = {}): CatalogCallPolicy => {
  const perAttempt = timeout(options.timeoutMs ?? 2000, TimeoutStrategy.Aggressive);
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMs ?? 10_000,
    breaker: new ConsecutiveBreaker(options.breakAfter ?? 5),
  });
  const retries = retry(
    handleWhen((error) => !(error instanceof BrokenCircuitError)),
    {
      maxAttempts: options.retries ?? 2,
      backoff: new ExponentialBackoff({
        initialDelay: options.initialDelayMs ?? 50,
        maxDelay: options.maxDelayMs ?? 400,
      }),
    },
  );
  return { policy: wrap(retries, breaker, perAttempt), breaker };
};
