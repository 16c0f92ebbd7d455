import { defineService, scheduledFunction } from '@shop/platform/service';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsEngine } from '../sqs/index.ts';
import {
  createLocalInvoker,
  type LocalFunction,
  namedError,
} from '../stepfunctions/stepfunctions.test-support.ts';
import { type Schedules, startSchedules } from './schedules.step.ts';
import { createFailureQueues } from './subscription-queues.step.ts';

const jobs = defineService({
  name: 'jobs',
  root: '/srv/jobs',
  functions: {
    sweep: scheduledFunction('src/handlers/sweep.schedule.ts', 'rate(1 minute)'),
    audit: scheduledFunction('src/handlers/audit.schedule.ts', 'rate(5 minutes)'),
  },
});

const running: { schedules: Schedules; sqs: SqsEngine }[] = [];
afterEach(async () => {
  for (const { schedules, sqs } of running.splice(0)) {
    await schedules.stop();
    sqs.close();
  }
});

const start = (functions: Record<string, LocalFunction>, everySeconds?: number) => {
  const sqs = new SqsEngine();
  createFailureQueues(sqs, [jobs]);
  const invoker = createLocalInvoker(new Map(Object.entries(functions)));
  const schedules = startSchedules({
    services: [jobs],
    invoker,
    sqs,
    log: () => undefined,
    retryDelayMs: () => 1,
    ...(everySeconds !== undefined ? { everySeconds } : {}),
  });
  running.push({ schedules, sqs });
  return { sqs, invoker, schedules };
};

describe('the local schedules (EventBridge Scheduler and Lambda asynchronous invocation)', () => {
  it('runs each scheduled function on its rate, or on the local override', async () => {
    const { schedules, invoker } = start({ 'jobs-sweep': () => ({ swept: 0 }), 'jobs-audit': () => ({}) }, 1);
    expect(schedules.schedules).toEqual([
      { function: 'jobs-sweep', everySeconds: 1 },
      { function: 'jobs-audit', everySeconds: 1 },
    ]);
    await expect.poll(() => invoker.invocations.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const event = invoker.invocations.find((i) => i.name === 'jobs-sweep')?.payload as Record<string, string>;
    expect(event).toMatchObject({ source: 'shop.schedule', schedule: 'jobs-sweep' });
    expect(Number.isNaN(Date.parse(event.scheduledAt ?? ''))).toBe(false);

    const { schedules: byRate } = start({});
    expect(byRate.schedules.map((s) => s.everySeconds)).toEqual([60, 300]);
  });

  it('retries a failed run twice, then puts its event in the schedule DLQ with the error', async () => {
    let calls = 0;
    const { schedules, sqs } = start({
      'jobs-sweep': () => {
        calls += 1;
        throw namedError('TableUnavailable', 'the table is throttled');
      },
    });
    await schedules.runNow('jobs-sweep');
    expect(calls).toBe(3);
    const [message, ...rest] = sqs.peekMessages('jobs-sweep-schedule-dlq');
    expect(rest).toEqual([]);
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({
      source: 'shop.schedule',
      schedule: 'jobs-sweep',
    });
    expect(message?.MessageAttributes?.ErrorMessage?.StringValue).toBe(
      'TableUnavailable: the table is throttled',
    );
  });

  it('sends nothing to the DLQ when a retry succeeds', async () => {
    let calls = 0;
    const { schedules, sqs } = start({
      'jobs-sweep': () => {
        calls += 1;
        if (calls === 1) throw namedError('TransientError', 'once');
        return {};
      },
    });
    await schedules.runNow('jobs-sweep');
    expect(calls).toBe(2);
    expect(sqs.peekMessages('jobs-sweep-schedule-dlq')).toEqual([]);
  });
});
