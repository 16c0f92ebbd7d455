import { expect } from 'vitest';

export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `read` (with vitest's `expect.poll`) until `done` accepts its value, and returns that value.
 * The shop is asynchronous (sagas, queues), so journeys wait for outcomes, bounded so a stuck system
 * fails the test; the failure names `what` and shows the last value seen.
 */
export const eventually = async <T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> => {
  let last: { value: T } | undefined;
  await expect
    .poll(
      async () => {
        last = { value: await read() };
        return last.value;
      },
      { timeout: timeoutMs, interval: intervalMs, message: what },
    )
    .toSatisfy(done);
  if (!last) throw new Error(`${what}: never read`);
  return last.value;
};
