import { BrokenCircuitError, CircuitState, TaskCancelledError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { runInInvocation } from '../src/invocation/index.ts';
import { createCallPolicy, InternalContractError, InternalFunctionError } from '../src/invoke/index.ts';

/** A callee that never answers, and ignores the abort as a hung function would. */
const never = (_signal: AbortSignal) => new Promise<never>(() => undefined);

const fast = { initialDelayMs: 1, maxDelayMs: 2 } as const;

describe('createCallPolicy', () => {
  it('retries timeouts and throttles, up to maxAttempts in all', async () => {
    let attempts = 0;
    const policy = createCallPolicy({ ...fast, maxAttempts: 3, attemptTimeoutMs: 20 });
    await expect(
      policy.execute((signal) => {
        attempts++;
        return never(signal);
      }),
    ).rejects.toBeInstanceOf(TaskCancelledError);
    expect(attempts).toBe(3);
    attempts = 0;
    const answer = await policy.execute(async () => {
      if (++attempts < 2) throw new InternalFunctionError('x.y', 'TooManyRequestsException');
      return 'ok';
    });
    expect(answer).toBe('ok');
    expect(attempts).toBe(2);
  });

  it("does not retry the function's own error or an answer outside the contract", async () => {
    const policy = createCallPolicy({ ...fast, maxAttempts: 3 });
    for (const error of [
      new InternalFunctionError('x.y', 'TypeError'),
      new InternalContractError('x.y', 'no'),
    ]) {
      let attempts = 0;
      await expect(
        policy.execute(async () => {
          attempts++;
          throw error;
        }),
      ).rejects.toBe(error);
      expect(attempts).toBe(1);
    }
  });

  it('budgets the whole call from the invocation remaining time less the margin', async () => {
    let attempts = 0;
    const policy = createCallPolicy({ ...fast, maxAttempts: 5, marginMs: 1_000, attemptTimeoutMs: 5_000 });
    const started = runInInvocation({ remainingTimeMs: () => 1_030 }, () =>
      policy.execute((signal) => {
        attempts++;
        return never(signal);
      }),
    );
    await expect(started).rejects.toBeInstanceOf(TaskCancelledError);
    // 30 ms for everything: the first attempt may not take its 5 s, and nothing is left for a retry.
    expect(attempts).toBe(1);
  });

  it('counts each failed attempt, or each failed call, towards opening the circuit', async () => {
    const failing = async () => {
      throw new InternalFunctionError('x.y', 'Sandbox.Timedout');
    };
    const perAttempt = createCallPolicy({
      ...fast,
      maxAttempts: 2,
      breaker: { counts: 'attempt', after: 2 },
    });
    // One call, two failed attempts: the circuit is open for the next call.
    await expect(perAttempt.execute(failing)).rejects.toBeInstanceOf(InternalFunctionError);
    expect(perAttempt.breaker.state).toBe(CircuitState.Open);
    await expect(perAttempt.execute(failing)).rejects.toBeInstanceOf(BrokenCircuitError);

    const perCall = createCallPolicy({ ...fast, maxAttempts: 2, breaker: { counts: 'call', after: 2 } });
    await expect(perCall.execute(failing)).rejects.toBeInstanceOf(InternalFunctionError);
    expect(perCall.breaker.state).toBe(CircuitState.Closed);
    await expect(perCall.execute(failing)).rejects.toBeInstanceOf(InternalFunctionError);
    expect(perCall.breaker.state).toBe(CircuitState.Open);
    await expect(perCall.execute(failing)).rejects.toBeInstanceOf(BrokenCircuitError);
  });
});
