export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * A token bucket of `burstLimit` tokens refilled at `rateLimit` per second: the algorithm behind
 * API Gateway's stage and route throttling.
 */
export const createTokenBucket = (
  rateLimit: number,
  burstLimit: number,
  now: () => number = () => performance.now(),
) => {
  if (!(rateLimit > 0) || !(burstLimit >= 1)) {
    throw new RangeError('throttle needs rateLimit > 0 and burstLimit >= 1');
  }
  let tokens = burstLimit;
  let refilledAt = now();

  return function takeToken(): ThrottleDecision {
    const current = now();
    tokens = Math.min(burstLimit, tokens + ((current - refilledAt) / 1000) * rateLimit);
    refilledAt = current;
    if (tokens >= 1) {
      tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rateLimit)) };
  };
};
