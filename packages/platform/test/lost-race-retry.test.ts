import { describe, expect, it } from 'vitest';
import { LOST_RACE, MAX_RACES, retryLostRaces } from '../src/races/index.ts';

class GaveUpError extends Error {}

describe('retryLostRaces', () => {
  it('goes round again after a lost race and returns the first result', async () => {
    let attempts = 0;
    const result = await retryLostRaces(async () => (++attempts < 3 ? LOST_RACE : 'won'), {
      onExhausted: () => new GaveUpError(),
    });
    expect(result).toBe('won');
    expect(attempts).toBe(3);
  });

  it(`gives up with the caller's error after ${MAX_RACES} lost races, or after maxAttempts`, async () => {
    let attempts = 0;
    const lose = async () => {
      attempts++;
      return LOST_RACE;
    };
    await expect(retryLostRaces(lose, { onExhausted: () => new GaveUpError() })).rejects.toBeInstanceOf(
      GaveUpError,
    );
    expect(attempts).toBe(MAX_RACES);
    attempts = 0;
    await expect(
      retryLostRaces(lose, {
        maxAttempts: 3,
        backoff: { initialDelayMs: 1, maxDelayMs: 2 },
        onExhausted: () => new GaveUpError(),
      }),
    ).rejects.toBeInstanceOf(GaveUpError);
    expect(attempts).toBe(3);
  });

  it('lets any other error through at once', async () => {
    let attempts = 0;
    const boom = async () => {
      attempts++;
      throw new TypeError('boom');
    };
    await expect(retryLostRaces(boom, { onExhausted: () => new GaveUpError() })).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(attempts).toBe(1);
  });
});
