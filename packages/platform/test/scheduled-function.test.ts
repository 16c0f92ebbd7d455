import { describe, expect, it, vi } from 'vitest';
import { getLogger } from '../src/observability/index.ts';
import { defineService, scheduledFunction, scheduleSecondsOf } from '../src/service/index.ts';
import { defineScheduledFunction } from '../src/task/index.ts';

describe('scheduleSecondsOf', () => {
  it('reads the rate expressions EventBridge Scheduler accepts', () => {
    expect(scheduleSecondsOf('rate(1 minute)')).toBe(60);
    expect(scheduleSecondsOf('rate(5 minutes)')).toBe(300);
    expect(scheduleSecondsOf('rate(2 hours)')).toBe(7200);
    expect(scheduleSecondsOf('rate(1 day)')).toBe(86_400);
  });

  it.each([
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(0 minutes)',
    'rate(1.5 minutes)',
    'cron(0 * * * ? *)',
    'rate(1 second)',
  ])('refuses %s', (rate) => {
    expect(() => scheduleSecondsOf(rate)).toThrow(/not a rate expression/);
  });

  it('is checked when a service is defined', () => {
    expect(() =>
      defineService({
        name: 'jobs',
        root: '/tmp/jobs',
        functions: {
          sweep: scheduledFunction('src/handlers/sweep.schedule.ts', 'rate(5 minute)' as 'rate(5 minutes)'),
        },
      }),
    ).toThrow('jobs.sweep: "rate(5 minute)" is not a rate expression');
  });
});

describe('defineScheduledFunction', () => {
  it('runs the job with the time it was due and logs its summary with the outcome', async () => {
    const info = vi.spyOn(getLogger(), 'info').mockImplementation(() => undefined);
    try {
      const seen: Date[] = [];
      const handler = defineScheduledFunction({
        name: 'Sweep',
        run: async ({ scheduledAt }) => {
          seen.push(scheduledAt);
          return { swept: 3 };
        },
      });
      const result = await handler({
        source: 'shop.schedule',
        schedule: 'jobs-sweep',
        scheduledAt: '2026-12-02T10:00:00.000Z',
      });
      expect(result).toEqual({ swept: 3 });
      expect(seen.map((d) => d.toISOString())).toEqual(['2026-12-02T10:00:00.000Z']);
      expect(info).toHaveBeenCalledTimes(1);
      expect(info.mock.calls[0]?.[0]).toBe('scheduled run');
      expect(info.mock.calls[0]?.[1]).toMatchObject({
        job: 'Sweep',
        outcome: 'succeeded',
        swept: 3,
        scheduledAt: '2026-12-02T10:00:00.000Z',
      });
    } finally {
      info.mockRestore();
    }
  });

  it('runs as of now when invoked by hand with no schedule event, and rethrows a failure', async () => {
    const info = vi.spyOn(getLogger(), 'info').mockImplementation(() => undefined);
    try {
      const before = Date.now();
      let due: Date | undefined;
      const handler = defineScheduledFunction({
        name: 'Sweep',
        run: async ({ scheduledAt }) => {
          due = scheduledAt;
          throw new Error('table unavailable');
        },
      });
      await expect(handler({})).rejects.toThrow('table unavailable');
      expect(due?.getTime()).toBeGreaterThanOrEqual(before);
      expect(info.mock.calls[0]?.[1]).toMatchObject({ job: 'Sweep', outcome: 'failed' });
    } finally {
      info.mockRestore();
    }
  });
});
