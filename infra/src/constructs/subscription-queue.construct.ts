import {
  DEFAULT_MAX_RECEIVE_COUNT,
  deadLetterQueueNameOf,
  queueNameOf,
  type ResolvedFunction,
  type SqsTrigger,
  visibilityTimeoutOf,
} from '@shop/platform/service';
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { physicalName } from '../naming.ts';
import type { StageConfig } from '../stage.config.ts';
import { DeadLetterQueue } from './dead-letter-queue.construct.ts';

export interface SubscriptionQueueProps {
  readonly stage: StageConfig;
  readonly fn: ResolvedFunction;
  readonly trigger: SqsTrigger;
}

/** The queue an SQS-subscribed function reads, with its DLQ after `maxReceiveCount` receives. */
export class SubscriptionQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SubscriptionQueueProps) {
    super(scope, id);
    const { stage, fn, trigger } = props;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', {
      queueName: physicalName(stage, 'queue', deadLetterQueueNameOf(fn)),
      purpose: `events ${fn.name} failed to process ${trigger.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT} times`,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: physicalName(stage, 'queue', queueNameOf(fn)),
      visibilityTimeout: Duration.seconds(visibilityTimeoutOf(fn, trigger)),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: {
        queue: this.deadLetterQueue.queue,
        maxReceiveCount: trigger.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      },
    });
  }
}
