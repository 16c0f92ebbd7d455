import { defineService } from '@shop/platform/service';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsEngine } from '../sqs/index.ts';
import { createFailureQueues, createSubscriptionQueues } from './subscription-queues.step.ts';

const publisher = defineService({
  name: 'shelf',
  root: '/srv/shelf',
  table: { partitionKey: { name: 'pk', type: 'S' }, stream: 'NEW_AND_OLD_IMAGES' },
  functions: {
    relay: { entry: 'src/relay.ts', triggers: [{ type: 'stream' }] },
    restocked: {
      entry: 'src/restocked.consumer.ts',
      timeoutSeconds: 10,
      triggers: [{ type: 'sqs', events: ['shelf.restocked'], maxReceiveCount: 3 }],
    },
  },
  publishes: ['shelf.restocked'],
});

const engines: SqsEngine[] = [];
const engine = (): SqsEngine => {
  const created = new SqsEngine();
  engines.push(created);
  return created;
};

afterEach(() => {
  for (const created of engines.splice(0)) created.close();
});

describe('the subscription and stream-failure queues', () => {
  it('gives each subscriber a queue and DLQ as the CDK app does, and each relay its stream DLQ', () => {
    const sqs = engine();
    createSubscriptionQueues(sqs, [publisher]);
    createFailureQueues(sqs, [publisher]);
    expect(sqs.listQueues()).toEqual(['shelf-relay-stream-dlq', 'shelf-restocked', 'shelf-restocked-dlq']);
    expect(sqs.getQueueAttributes('shelf-restocked', ['VisibilityTimeout', 'RedrivePolicy'])).toEqual({
      // Six times the function timeout, AWS's advice for Lambda consumers.
      VisibilityTimeout: '60',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: sqs.queueArn('shelf-restocked-dlq'),
        maxReceiveCount: 3,
      }),
    });
    expect(sqs.getQueueAttributes('shelf-relay-stream-dlq', ['MessageRetentionPeriod'])).toEqual({
      MessageRetentionPeriod: '1209600',
    });
  });

  it("shortens the subscribers' visibility timeout when asked, also for queues kept from an earlier run", () => {
    const sqs = engine();
    createSubscriptionQueues(sqs, [publisher]);
    createSubscriptionQueues(sqs, [publisher], { visibilityTimeoutSeconds: 2 });
    expect(sqs.getQueueAttributes('shelf-restocked', ['VisibilityTimeout'])).toEqual({
      VisibilityTimeout: '2',
    });
    createSubscriptionQueues(sqs, [publisher]);
    expect(sqs.getQueueAttributes('shelf-restocked', ['VisibilityTimeout'])).toEqual({
      VisibilityTimeout: '60',
    });
  });
});
