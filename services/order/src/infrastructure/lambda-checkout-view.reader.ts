import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CheckoutViewOutput } from '@shop/contracts/cart';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import type { CheckoutViewReader } from '../domain/checkout-view.port.ts';
import { CartUnavailableError } from '../domain/order.errors.ts';

export interface CartPolicyOptions {
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Consecutive failed calls that open the circuit... */
  readonly breakAfter?: number;
  /** ...and how long it stays open before one call may try again. */
  readonly halfOpenAfterMs?: number;
}

/** The function answered with an error (it ran and threw, or Lambda reported a function error). */
export class CartFunctionError extends Error {
  constructor(errorType: string) {
    super(`cart.checkoutView failed: ${errorType}`);
    this.name = 'CartFunctionError';
  }
}

/** The function answered something that is not a checkout view: a contract mismatch, not worth a retry. */
class CartContractError extends Error {
  constructor(detail: string) {
    super(`cart.checkoutView answered outside its contract: ${detail}`);
    this.name = 'CartContractError';
  }
}

const TRANSIENT_FUNCTION_ERRORS = new Set([
  'Sandbox.Timedout',
  'Runtime.ExitError',
  'TooManyRequestsException',
]);

/** Worth another attempt: timeouts, throttling, 5xx and network errors, crashed or timed-out functions. */
const isTransient = (error: unknown): boolean => {
  if (error instanceof BrokenCircuitError || error instanceof CartContractError) return false;
  if (error instanceof TaskCancelledError) return true;
  if (error instanceof CartFunctionError)
    return TRANSIENT_FUNCTION_ERRORS.has(error.message.split(': ')[1] ?? '');
  if (!(error instanceof Error)) return false;
  const meta = (error as { $metadata?: { httpStatusCode?: number }; $retryable?: unknown }).$metadata;
  const status = meta?.httpStatusCode;
  if (status === undefined) return true; // no HTTP answer at all: the network failed
  return status === 429 || status >= 500 || (error as { $retryable?: unknown }).$retryable !== undefined;
};

/**
 * Timeout per attempt, retries with exponential backoff and decorrelated jitter on transient failures
 * only, and a circuit breaker around it all, so that a cart outage costs a checkout a few hundred
 * milliseconds instead of a full Lambda timeout, and stops being called while it lasts.
 */
export const createCartPolicy = (options: CartPolicyOptions = {}): IPolicy => {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMs ?? 10_000,
    breaker: new ConsecutiveBreaker(options.breakAfter ?? 5),
  });
  const retries = retry(handleWhen(isTransient), {
    maxAttempts: (options.maxAttempts ?? 3) - 1,
    backoff: new ExponentialBackoff({
      initialDelay: options.initialDelayMs ?? 50,
      maxDelay: options.maxDelayMs ?? 400,
    }),
  });
  const perAttempt = timeout(options.timeoutMs ?? 1_500, TimeoutStrategy.Aggressive);
  return wrap(breaker, retries, perAttempt);
};

export interface LambdaCheckoutViewReaderOptions {
  /** Configure it with `maxAttempts: 1`: the policy owns the retries. */
  readonly client: LambdaClient;
  /** `CART_CHECKOUT_VIEW_FUNCTION_NAME`. */
  readonly functionName: string;
  readonly policy?: IPolicy;
}

/** The cart's internal `checkoutView` function through the Lambda Invoke API. */
export class LambdaCheckoutViewReader implements CheckoutViewReader {
  readonly #client: LambdaClient;
  readonly #functionName: string;
  readonly #policy: IPolicy;

  constructor(options: LambdaCheckoutViewReaderOptions) {
    this.#client = options.client;
    this.#functionName = options.functionName;
    this.#policy = options.policy ?? createCartPolicy();
  }

  async read(customerId: string): Promise<CheckoutViewOutput> {
    try {
      return await this.#policy.execute(({ signal }) => this.#invoke(customerId, signal));
    } catch (error) {
      throw new CartUnavailableError(error);
    }
  }

  async #invoke(customerId: string, signal: AbortSignal): Promise<CheckoutViewOutput> {
    const result = await this.#client.send(
      new InvokeCommand({
        FunctionName: this.#functionName,
        Payload: new TextEncoder().encode(JSON.stringify({ customerId })),
      }),
      { abortSignal: signal },
    );
    const text = result.Payload ? new TextDecoder().decode(result.Payload) : '';
    if (result.FunctionError) {
      let errorType = result.FunctionError;
      try {
        const body = JSON.parse(text) as { errorType?: unknown };
        if (typeof body.errorType === 'string') errorType = body.errorType;
      } catch {
        // Lambda's own error payloads are JSON; anything else keeps the FunctionError name.
      }
      throw new CartFunctionError(errorType);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CartContractError('not JSON');
    }
    const parsed = CheckoutViewOutput.safeParse(json);
    if (!parsed.success) throw new CartContractError(parsed.error.message);
    return parsed.data;
  }
}
