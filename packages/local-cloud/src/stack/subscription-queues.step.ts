import {
  DEFAULT_MAX_RECEIVE_COUNT,
  DLQ_RETENTION_SECONDS,
  deadLetterQueueNameOf,
  queueNameOf,
  type ResolvedFunction,
  type ServiceDefinition,
  scheduleDeadLetterQueueNameOf,
  streamDeadLetterQueueNameOf,
  subscriptionsOfAll,
  visibilityTimeoutOf,
} from '@shop/platform/service';
import { LOCAL_ACCOUNT_ID } from '../lambda/lambda.types.ts';
import type { SqsEngine } from '../sqs/index.ts';

/** The URL under which the edge serves a subscriber's queue. */
export const queueUrlOf = (edgeUrl: string, fn: Pick<ResolvedFunction, 'name'>): string =>
  `${edgeUrl}/${LOCAL_ACCOUNT_ID}/${queueNameOf(fn)}`;

export interface SubscriptionQueuesOptions {
  /**
   * A visibility timeout for every subscriber queue instead of the definitions' (local only, for
   * demos: a poison message then reaches its DLQ after `maxReceiveCount` times this, not minutes).
   */
  readonly visibilityTimeoutSeconds?: number;
}

/**
 * Creates a queue with these attributes, or brings one kept from an earlier run (`--persist`) to
 * them, so a changed definition or setting applies on the next start.
 */
const ensureQueue = (sqs: SqsEngine, name: string, attributes: Record<string, string>): string => {
  if (sqs.hasQueue(name)) sqs.setQueueAttributes(name, attributes);
  else sqs.createQueue(name, attributes);
  return sqs.queueArn(name);
};

/**
 * One queue and DLQ per subscribed function, as the CDK app's `SubscriptionQueue` and
 * `DeadLetterQueue` constructs create them: same names, same redrive policy, same visibility timeout
 * (unless `visibilityTimeoutSeconds` overrides it locally).
 */
export const createSubscriptionQueues = (
  sqs: SqsEngine,
  services: readonly ServiceDefinition[],
  options: SubscriptionQueuesOptions = {},
): void => {
  for (const { function: fn, trigger } of subscriptionsOfAll(services)) {
    const dlqArn = ensureQueue(sqs, deadLetterQueueNameOf(fn), {
      MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
    });
    ensureQueue(sqs, queueNameOf(fn), {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? visibilityTimeoutOf(fn, trigger)),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlqArn,
        maxReceiveCount: trigger.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      }),
    });
  }
};

/**
 * The failure queues the CDK app creates besides the subscribers' DLQs: the on-failure queue of every
 * table-stream function (the outbox relays; where the stream event source sends an invocation record
 * for each batch it gives up on), and the dead-letter queue of every schedule (a run that failed its
 * retries).
 */
export const createFailureQueues = (sqs: SqsEngine, services: readonly ServiceDefinition[]): void => {
  for (const service of services) {
    for (const fn of service.functions) {
      if (service.table && fn.triggers.some((trigger) => trigger.type === 'stream')) {
        ensureQueue(sqs, streamDeadLetterQueueNameOf(fn), {
          MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
        });
      }
      // A scheduled function's failed runs (the CDK app's schedule DLQ and on-failure destination).
      if (fn.triggers.some((trigger) => trigger.type === 'schedule')) {
        ensureQueue(sqs, scheduleDeadLetterQueueNameOf(fn), {
          MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
        });
      }
    }
  }
};
