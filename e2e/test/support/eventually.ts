/** Raised when a polled condition did not hold in time; the message says what was last seen. */
export class EventuallyTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, lastSeen: unknown) {
    super(`${what}: not within ${timeoutMs} ms; last seen: ${JSON.stringify(lastSeen)?.slice(0, 2000)}`);
    this.name = 'EventuallyTimeoutError';
  }
}

export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `read` until `done` accepts its value, and returns that value. The shop is asynchronous
 * (sagas, queues), so journeys wait for outcomes, bounded so a stuck system fails the test.
 */
export const eventually = async <T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new EventuallyTimeoutError(what, timeoutMs, value);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
};
