/** What an attempt returns when another writer got there first: read again and decide again. */
export const LOST_RACE: unique symbol = Symbol('lost race');
export type LostRace = typeof LOST_RACE;

/** Attempts in all (the first included) before a contended write gives up. */
export const MAX_RACES = 5;

export interface LostRaceRetryOptions {
  /** Attempts in all, the first included. Default {@link MAX_RACES}. */
  readonly maxAttempts?: number;
  /**
   * Full-jitter exponential backoff before each attempt after the first (`initialDelayMs` doubling,
   * capped at `maxDelayMs`). Without it, attempts follow one another at once: right when the loser
   * re-reads a state that has already moved on; useful when racers keep colliding (one hot item).
   */
  readonly backoff?: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  /** The error thrown once every attempt lost. */
  readonly onExhausted: () => Error;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read, decide, write conditionally; when the write loses the race, do it all again. Each attempt
 * returns its result, or {@link LOST_RACE} to go round again.
 *
 * @example
 * return retryLostRaces(async () => {
 *   const order = await deps.orders.get(orderId);
 *   const next = confirm(order);
 *   return (await deps.orders.update(order, next)) ? next : LOST_RACE;
 * }, { onExhausted: () => new OrderWriteConflictError(orderId) });
 */
export const retryLostRaces = async <T>(
  attempt: (index: number) => Promise<T | LostRace>,
  options: LostRaceRetryOptions,
): Promise<T> => {
  const maxAttempts = options.maxAttempts ?? MAX_RACES;
  for (let index = 0; index < maxAttempts; index++) {
    if (index > 0 && options.backoff) {
      const { initialDelayMs, maxDelayMs } = options.backoff;
      await sleep(Math.random() * Math.min(maxDelayMs, initialDelayMs * 2 ** index));
    }
    const outcome = await attempt(index);
    if (outcome !== LOST_RACE) return outcome as T;
  }
  throw options.onExhausted();
};
