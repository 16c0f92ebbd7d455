import {
  DEFAULT_MAX_RECEIVE_COUNT,
  DLQ_RETENTION_SECONDS,
  deadLetterQueueNameOf,
  queueNameOf,
  type ResolvedFunction,
  type ServiceDefinition,
  subscriptionsOfAll,
  visibilityTimeoutOf,
} from '@shop/platform/service';
import { LOCAL_ACCOUNT_ID } from '../lambda/lambda.types.ts';
import type { SqsEngine } from '../sqs/index.ts';

/** The URL under which the edge serves a subscriber's queue. */
export const queueUrlOf = (edgeUrl: string, fn: Pick<ResolvedFunction, 'name'>): string =>
  `${edgeUrl}/${LOCAL_ACCOUNT_ID}/${queueNameOf(fn)}`;

/**
 * One queue and DLQ per subscribed function, as the CDK app's `SubscriptionQueue` and
 * `DeadLetterQueue` constructs create them: same names, same redrive policy, same visibility timeout.
 */
export const createSubscriptionQueues = (sqs: SqsEngine, services: readonly ServiceDefinition[]): void => {
  for (const { function: fn, trigger } of subscriptionsOfAll(services)) {
    const dlq = sqs.createQueue(deadLetterQueueNameOf(fn), {
      MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
    });
    sqs.createQueue(queueNameOf(fn), {
      VisibilityTimeout: String(visibilityTimeoutOf(fn, trigger)),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: trigger.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      }),
    });
  }
};
