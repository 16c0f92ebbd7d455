import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '@shop/contracts/saga';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { currentInvocation } from '../src/invocation/index.ts';
import { getLogger } from '../src/observability/index.ts';
import { defineSagaTask, SagaTaskError } from '../src/task/index.ts';

class WidgetGoneError extends Error {}

const failure = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the task to fail');
};

const taskRunning = (run: (input: { orderId: string }) => Promise<unknown>) =>
  defineSagaTask({
    name: 'ShipWidget',
    input: z.object({ orderId: z.string().min(1) }),
    errors: [[WidgetGoneError, 'WidgetGone']],
    run,
  });

describe('defineSagaTask', () => {
  it('parses the input, runs the use case and logs one INFO line with the outcome', async () => {
    const info = vi.spyOn(getLogger(), 'info').mockImplementation(() => undefined);
    try {
      const task = taskRunning(async ({ orderId }) => ({ orderId, shipped: true }));
      expect(await task({ orderId: 'o-1', correlationId: 'c-1', extra: 1 })).toEqual({
        orderId: 'o-1',
        shipped: true,
      });
      expect(info).toHaveBeenCalledTimes(1);
      expect(info.mock.calls[0]?.[1]).toMatchObject({
        task: 'ShipWidget',
        orderId: 'o-1',
        outcome: 'succeeded',
        correlationId: 'c-1',
        durationMs: expect.any(Number),
      });
    } finally {
      info.mockRestore();
    }
  });

  it('fails a domain error under its saga name and anything unknown (a throttle) as TransientError', async () => {
    const info = vi.spyOn(getLogger(), 'info').mockImplementation(() => undefined);
    try {
      const gone = await failure(
        taskRunning(async () => Promise.reject(new WidgetGoneError('gone')))({ orderId: 'o' }),
      );
      expect(gone).toBeInstanceOf(SagaTaskError);
      expect(gone.name).toBe('WidgetGone');
      const throttled = await failure(
        taskRunning(async () =>
          Promise.reject(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })),
        )({ orderId: 'o' }),
      );
      expect(throttled.name).toBe(TRANSIENT_ERROR);
      expect(throttled.cause).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect(info.mock.calls.map((call) => call[1])).toEqual([
        expect.objectContaining({ outcome: 'failed', errorName: 'WidgetGone' }),
        expect.objectContaining({ outcome: 'failed', errorName: TRANSIENT_ERROR }),
      ]);
    } finally {
      info.mockRestore();
    }
  });

  it('fails an input outside the contract as TaskInputInvalid without running the use case', async () => {
    const run = vi.fn(async () => 'ran');
    const error = await failure(taskRunning(run)({ orderId: '' }));
    expect(error.name).toBe(TASK_INPUT_INVALID);
    expect(error.message).toContain('/orderId');
    expect(run).not.toHaveBeenCalled();
  });

  it('opens an invocation scope with the remaining time and the correlation id', async () => {
    const task = taskRunning(async () => {
      const invocation = currentInvocation();
      return { remaining: invocation?.remainingTimeMs?.(), correlationId: invocation?.correlationId };
    });
    expect(await task({ orderId: 'o-9' }, { getRemainingTimeInMillis: () => 4_321 })).toEqual({
      remaining: 4_321,
      correlationId: 'o-9',
    });
  });
});
