import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  queueNameOf,
  type ServiceDefinition,
  SQS_EVENT_SOURCE_DEFAULTS,
  STREAM_EVENT_SOURCE_BATCH_SIZE,
  STREAM_RETRY_ATTEMPTS,
  streamDeadLetterQueueNameOf,
  subscriptionsOfAll,
} from '@shop/platform/service';
import type { ServiceTable } from '../dynamodb/service-tables.ts';
import { type LambdaInvoker, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { type SqsEngine, startSqsEventSource } from '../sqs/index.ts';
import { startStreamEventSource } from '../streams/index.ts';

export interface EventSourcesOptions {
  readonly services: readonly ServiceDefinition[];
  readonly sqs: SqsEngine;
  readonly streams: DynamoDBStreamsClient;
  readonly tables: readonly ServiceTable[];
  readonly invoker: LambdaInvoker;
  readonly log: (line: string) => void;
}

export interface EventSource {
  stop(): Promise<void> | void;
}

/**
 * The event source mappings the CDK app creates: an SQS poller per subscribed function (partial
 * batch responses on) and a stream poller per table-stream function (the outbox relays), whose
 * on-failure destination is the relay's stream DLQ.
 */
export const startEventSources = (options: EventSourcesOptions): EventSource[] => {
  const sources: EventSource[] = [];
  for (const { function: fn, trigger } of subscriptionsOfAll(options.services)) {
    sources.push(
      startSqsEventSource({
        engine: options.sqs,
        queueName: queueNameOf(fn),
        functionName: fn.name,
        invoker: options.invoker,
        batchSize: trigger.batchSize ?? SQS_EVENT_SOURCE_DEFAULTS.batchSize,
        maximumBatchingWindowSeconds:
          trigger.maxBatchingWindowSeconds ?? SQS_EVENT_SOURCE_DEFAULTS.maxBatchingWindowSeconds,
        maxConcurrency: trigger.maxConcurrency ?? SQS_EVENT_SOURCE_DEFAULTS.maxConcurrency,
        reportBatchItemFailures: true,
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT_ID,
        onError: (error) => options.log(`[sqs:${fn.name}] ${String(error)}`),
      }),
    );
  }
  for (const service of options.services) {
    const streamArn = options.tables.find((t) => t.service === service.name)?.streamArn;
    for (const fn of service.functions) {
      const trigger = fn.triggers.find((t) => t.type === 'stream');
      if (!trigger || !streamArn) continue;
      sources.push(
        startStreamEventSource({
          streamsClient: options.streams,
          streamArn,
          functionName: fn.name,
          invoker: options.invoker,
          batchSize: trigger.batchSize ?? STREAM_EVENT_SOURCE_BATCH_SIZE,
          // From the oldest record: with --persist, outbox events written while stopped are still relayed
          // (consumers de-duplicate, so a replay is harmless).
          startingPosition: 'TRIM_HORIZON',
          // The CDK's retryAttempts counts retries; maxAttempts counts the first invocation too.
          maxAttempts: STREAM_RETRY_ATTEMPTS + 1,
          region: LOCAL_REGION,
          onError: (error) => options.log(`[stream:${fn.name}] ${String(error)}`),
          // The CDK's `onFailure: new SqsDlq(...)`: the invocation record goes to the relay's stream DLQ.
          onFailure: (record) => {
            options.sqs.sendMessage(streamDeadLetterQueueNameOf(fn), { MessageBody: JSON.stringify(record) });
          },
        }),
      );
    }
  }
  return sources;
};
