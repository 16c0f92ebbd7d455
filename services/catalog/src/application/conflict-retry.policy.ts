const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const CONFLICT_ATTEMPTS = 8;

/**
 * Full-jitter exponential backoff between attempts of an operation that lost a write race
 * (`TransactionConflict`): 10 ms doubling, capped at 250 ms.
 */
export const backoff = (attempt: number): Promise<void> =>
  sleep(Math.random() * Math.min(250, 10 * 2 ** attempt));
