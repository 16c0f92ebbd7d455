import type { InvocationContext } from '../invocation/invocation-scope.ts';
import type { SCHEDULE_SOURCE } from '../service/wiring.ts';
import { runLogged } from './saga-task.ts';

/**
 * The event a schedule invokes its function with, in both runtimes: the CDK app gives the EventBridge
 * Scheduler target this input (with Scheduler's `<aws.scheduler.scheduled-time>` context attribute),
 * the local scheduler sends the same.
 */
export interface ScheduledInvocation {
  readonly source: typeof SCHEDULE_SOURCE;
  /** The schedule's name. */
  readonly schedule: string;
  /** When the run was due (ISO 8601). */
  readonly scheduledAt: string;
}

export interface ScheduledFunctionOptions<TSummary extends Record<string, unknown>> {
  /** The job's name, on its log line: `ReconcileOrders`. */
  readonly name: string;
  /** One run; what it did is logged with the outcome. */
  readonly run: (run: { readonly scheduledAt: Date; readonly correlationId: string }) => Promise<TSummary>;
}

const scheduledAtOf = (event: unknown): Date => {
  const value =
    typeof event === 'object' && event !== null
      ? (event as { scheduledAt?: unknown }).scheduledAt
      : undefined;
  const at = typeof value === 'string' ? new Date(value) : undefined;
  // A test or a manual `lambda invoke` may send nothing: the run is due now.
  return at && !Number.isNaN(at.getTime()) ? at : new Date();
};

/**
 * A scheduled function: runs the job with the time it was due and a correlation id of its own
 * (`<name>:<scheduledAt>`, on every line it logs and everything it starts), logs one INFO line with
 * its outcome, its summary and its duration. A failure is rethrown: the asynchronous invocation retries it, then
 * the schedule's dead-letter queue keeps it; the next run starts afresh either way, so a job must be
 * safe to run again (every job here is).
 *
 * @example
 * export const handler = defineScheduledFunction({ name: 'ReconcileOrders', run: ({ scheduledAt }) => reconcile(deps, scheduledAt) });
 */
export const defineScheduledFunction =
  <TSummary extends Record<string, unknown>>(options: ScheduledFunctionOptions<TSummary>) =>
  (event: unknown, context?: InvocationContext): Promise<TSummary> => {
    const scheduledAt = scheduledAtOf(event);
    // One correlation id per run: what the run starts (a saga, a call) carries it.
    const correlationId = `${options.name}:${scheduledAt.toISOString()}`;
    return runLogged({
      message: 'scheduled run',
      name: options.name,
      fields: { job: options.name, scheduledAt: scheduledAt.toISOString() },
      context,
      correlationId,
      errors: [],
      summary: (output: TSummary) => output,
      run: () => options.run({ scheduledAt, correlationId }),
    });
  };
