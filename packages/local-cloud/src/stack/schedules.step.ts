import {
  type ResolvedFunction,
  SCHEDULE_SOURCE,
  type ServiceDefinition,
  scheduleDeadLetterQueueNameOf,
  scheduleSecondsOf,
} from '@shop/platform/service';
import type { LambdaInvoker } from '../lambda/lambda.types.ts';
import type { SqsEngine } from '../sqs/index.ts';

/** Lambda's asynchronous invocation: two retries of a failed event before it goes to the failure destination. */
export const SCHEDULE_RETRY_ATTEMPTS = 2;

export interface SchedulesOptions {
  readonly services: readonly ServiceDefinition[];
  readonly invoker: LambdaInvoker;
  readonly sqs: SqsEngine;
  /** Every schedule runs this often instead of its rate (tests and demos); the rate otherwise. */
  readonly everySeconds?: number;
  /** Delay before each retry of a failed run; Lambda waits about a minute, then two. */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly log: (line: string) => void;
}

export interface Schedules {
  /** The schedules running, with their period. */
  readonly schedules: readonly { readonly function: string; readonly everySeconds: number }[];
  /** Runs one schedule's function now, as a tick would (with its retries and DLQ); resolves when settled. */
  runNow(functionName: string): Promise<void>;
  stop(): Promise<void>;
}

const scheduledFunctionsOf = (services: readonly ServiceDefinition[]) =>
  services.flatMap((service) =>
    service.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) => (trigger.type === 'schedule' ? [{ fn, rate: trigger.rate }] : [])),
    ),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What EventBridge Scheduler and Lambda do for the CDK app's schedules, locally: every scheduled
 * function is invoked on its rate with the event the CDK app gives its schedule target
 * (`{source, schedule, scheduledAt}`); a failed run is retried twice, then the event goes to the
 * schedule's dead-letter queue with the error, where `npm run local -- dlq` shows it. Runs may
 * overlap, as in AWS: a scheduled job must be safe to run twice at once.
 */
export const startSchedules = (options: SchedulesOptions): Schedules => {
  const retryDelayMs = options.retryDelayMs ?? ((attempt: number) => 1000 * 2 ** (attempt - 1));
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const run = async (fn: ResolvedFunction): Promise<void> => {
    const event = { source: SCHEDULE_SOURCE, schedule: fn.name, scheduledAt: new Date().toISOString() };
    let failure = '';
    for (let attempt = 0; attempt <= SCHEDULE_RETRY_ATTEMPTS; attempt += 1) {
      if (attempt > 0) await sleep(retryDelayMs(attempt));
      if (stopped) return;
      try {
        const result = await options.invoker.invoke(fn.name, event);
        if (result.ok) return;
        failure = `${result.error.errorType}: ${result.error.errorMessage}`;
      } catch (error) {
        // Throttled or not accepted: Lambda retries these too.
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
    if (stopped) return;
    options.log(
      `[schedule:${fn.name}] run failed ${SCHEDULE_RETRY_ATTEMPTS + 1} times (${failure}); sent to its DLQ`,
    );
    options.sqs.sendMessage(scheduleDeadLetterQueueNameOf(fn), {
      MessageBody: JSON.stringify(event),
      MessageAttributes: {
        ErrorMessage: { DataType: 'String', StringValue: failure.slice(0, 1024) },
      },
    });
  };

  const track = (fn: ResolvedFunction) => {
    const running = run(fn).catch((error) => options.log(`[schedule:${fn.name}] ${String(error)}`));
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
    return running;
  };

  const scheduled = scheduledFunctionsOf(options.services).map(({ fn, rate }) => {
    const everySeconds = options.everySeconds ?? scheduleSecondsOf(rate);
    const timer = setInterval(() => track(fn), everySeconds * 1000);
    return { fn, everySeconds, timer };
  });

  return {
    schedules: scheduled.map(({ fn, everySeconds }) => ({ function: fn.name, everySeconds })),
    runNow: async (functionName) => {
      const found = scheduled.find(({ fn }) => fn.name === functionName);
      if (!found) throw new Error(`no scheduled function ${functionName}`);
      await track(found.fn);
    },
    stop: async () => {
      stopped = true;
      for (const { timer } of scheduled) clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
};
