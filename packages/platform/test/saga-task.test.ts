import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '@shop/contracts/saga';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { currentInvocation } from '../src/invocation/index.ts';
import { getLogger, recordMetric, SHOP_METRICS } from '../src/observability/index.ts';
import { captureOutput, metricValuesOf } from '../src/observability/testing.ts';
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
    const task = taskRunning(async ({ orderId }) => ({ orderId, shipped: true }));
    const { result, logs } = await captureOutput(() =>
      task({ orderId: 'o-1', correlationId: 'c-1', extra: 1 }),
    );
    expect(result).toEqual({ orderId: 'o-1', shipped: true });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'task',
        task: 'ShipWidget',
        orderId: 'o-1',
        outcome: 'succeeded',
        correlationId: 'c-1',
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it('puts the correlation id and the order id on every line the use case writes, and only then', async () => {
    const task = defineSagaTask({
      name: 'ShipWidget',
      input: z.object({ orderId: z.string() }),
      errors: [],
      run: async (_input, invocation) => {
        getLogger().warn('widget is heavy', { weight: 12 });
        return invocation.correlationId;
      },
    });
    const { result, logs } = await captureOutput(async () => {
      const output = await task({ orderId: 'o-2', correlationId: 'shopper-7' });
      getLogger().info('after the task');
      return output;
    });
    expect(result).toBe('shopper-7');
    expect(logs.map(({ message, correlationId, orderId }) => ({ message, correlationId, orderId }))).toEqual([
      { message: 'widget is heavy', correlationId: 'shopper-7', orderId: 'o-2' },
      { message: 'task', correlationId: 'shopper-7', orderId: 'o-2' },
      { message: 'after the task', correlationId: undefined, orderId: undefined },
    ]);
  });

  it('falls back to the order id as correlation id when the saga input carries none', async () => {
    const task = defineSagaTask({
      name: 'ShipWidget',
      input: z.object({ orderId: z.string() }),
      errors: [],
      run: async (_input, invocation) => invocation.correlationId,
    });
    const { result, logs } = await captureOutput(() => task({ orderId: 'o-3' }));
    expect(result).toBe('o-3');
    expect(logs[0]).toMatchObject({ correlationId: 'o-3', orderId: 'o-3' });
  });

  it('flushes the metrics the use case recorded once, as EMF with the ids as properties', async () => {
    const task = defineSagaTask({
      name: 'ShipWidget',
      input: z.object({ orderId: z.string() }),
      errors: [],
      run: async () => {
        recordMetric(SHOP_METRICS.ordersConfirmed, 1);
        recordMetric(SHOP_METRICS.sagaDuration, 42, { outcome: 'confirmed' });
        recordMetric(SHOP_METRICS.ordersRejected, 1, { reason: 'OUT_OF_STOCK' });
        return 'ok';
      },
    });
    const { emf } = await captureOutput(() => task({ orderId: 'o-4', correlationId: 'c-4' }));
    expect(metricValuesOf(emf)).toEqual([
      {
        name: 'OrdersConfirmed',
        unit: 'Count',
        value: 1,
        namespace: 'Shop',
        dimensions: { service: expect.any(String) },
      },
      {
        name: 'SagaDuration',
        unit: 'Milliseconds',
        value: 42,
        namespace: 'Shop',
        dimensions: { service: expect.any(String), outcome: 'confirmed' },
      },
      {
        name: 'OrdersRejected',
        unit: 'Count',
        value: 1,
        namespace: 'Shop',
        dimensions: { service: expect.any(String), reason: 'OUT_OF_STOCK' },
      },
    ]);
    for (const record of emf) expect(record).toMatchObject({ correlationId: 'c-4', orderId: 'o-4' });
    // Nothing is left in the buffer for the next invocation.
    const next = await captureOutput(() => task({ orderId: 'o-5', correlationId: 'c-5' }));
    expect(metricValuesOf(next.emf).map((m) => m.name)).toEqual([
      'OrdersConfirmed',
      'SagaDuration',
      'OrdersRejected',
    ]);
    for (const record of next.emf) expect(record).toMatchObject({ correlationId: 'c-5', orderId: 'o-5' });
  });

  it('fails a domain error under its saga name and anything unknown (a throttle) as TransientError', async () => {
    const { result, logs } = await captureOutput(async () => {
      const gone = await failure(
        taskRunning(async () => Promise.reject(new WidgetGoneError('gone')))({ orderId: 'o' }),
      );
      const throttled = await failure(
        taskRunning(async () =>
          Promise.reject(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })),
        )({ orderId: 'o' }),
      );
      return { gone, throttled };
    });
    const { gone, throttled } = result;
    expect(gone).toBeInstanceOf(SagaTaskError);
    expect(gone.name).toBe('WidgetGone');
    expect(throttled.name).toBe(TRANSIENT_ERROR);
    expect(throttled.cause).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'task', outcome: 'failed', errorName: 'WidgetGone' }),
      expect.objectContaining({
        level: 'INFO',
        message: 'task',
        outcome: 'failed',
        errorName: TRANSIENT_ERROR,
      }),
    ]);
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
