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
import type { FaultInjector } from '../faults/fault.types.ts';
import type {
  EventSourceMappingConfiguration,
  EventSourceMappingRegistry,
} from '../lambda/event-source-mapping.registry.ts';
import {
  functionArn,
  type LambdaInvoker,
  LIVE_ALIAS,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
} from '../lambda/lambda.types.ts';
import { stableUuid } from '../lambda/stable-uuid.ts';
import { type SqsEngine, startSqsEventSource } from '../sqs/index.ts';
import { type StreamEventSource, startStreamEventSource } from '../streams/index.ts';
import type { SpanRecorder } from '../traces/span.recorder.ts';
import type { WriteLinks } from '../traces/write-links.ts';

export interface EventSourcesOptions {
  readonly services: readonly ServiceDefinition[];
  readonly sqs: SqsEngine;
  readonly streams: DynamoDBStreamsClient;
  readonly tables: readonly ServiceTable[];
  readonly invoker: LambdaInvoker;
  readonly faults?: FaultInjector;
  readonly log: (line: string) => void;
  /** Where each mapping is described for the Lambda API's ListEventSourceMappings. */
  readonly registry?: EventSourceMappingRegistry;
  /** Spans for queue and stream hops; `writes` links a stream record to the call that wrote its item. */
  readonly tracing?: { readonly spans: SpanRecorder; readonly writes: WriteLinks };
}

export interface EventSource {
  stop(): Promise<void> | void;
  /** A table stream's poller: see `StreamEventSource`. */
  readonly stream?: Pick<StreamEventSource, 'caughtUpSince' | 'pollNow'>;
}

type MappingState = 'Enabled' | 'Disabling' | 'Disabled';

/**
 * One mapping as the Lambda API describes it, kept current: its state, and for streams how the last
 * batch went. It invokes through `invoker` to see the outcome.
 */
const trackMapping = (
  invoker: LambdaInvoker,
  describe: (state: MappingState, lastProcessingResult: string) => EventSourceMappingConfiguration,
) => {
  let state: MappingState = 'Enabled';
  let lastProcessingResult = 'No records processed';
  const tracked: LambdaInvoker = {
    invoke: async (name, payload, options) => {
      try {
        const result = await invoker.invoke(name, payload, options);
        lastProcessingResult = result.ok ? 'OK' : 'PROBLEM: Function call failed';
        return result;
      } catch (error) {
        lastProcessingResult = 'PROBLEM: Function call failed';
        throw error;
      }
    },
  };
  return {
    invoker: tracked,
    describe: () => describe(state, lastProcessingResult),
    stopping: async (stop: () => Promise<void>) => {
      state = 'Disabling';
      await stop();
      state = 'Disabled';
    },
  };
};

/**
 * The event source mappings the CDK app creates: an SQS poller per subscribed function (partial
 * batch responses on) and a stream poller per table-stream function (the outbox relays, whose
 * on-failure destination is the relay's stream DLQ), each invoking the function's `live` alias as
 * the CDK app's mappings do, and each described in `registry` with what the local poller actually
 * does (where that differs from the template, e.g. no bisecting, the description says what runs here).
 */
export const startEventSources = (options: EventSourcesOptions): EventSource[] => {
  const sources: EventSource[] = [];
  const startedAt = Math.round(Date.now()) / 1000;
  const aliasArnOf = (name: string) => `${functionArn(name, LOCAL_REGION, LOCAL_ACCOUNT_ID)}:${LIVE_ALIAS}`;
  /** `source` names the queue or table, not the stream, whose ARN changes with every new local database. */
  const identity = (eventSourceArn: string, source: string, target: string) => {
    const uuid = stableUuid('event-source-mapping', source, target);
    return {
      UUID: uuid,
      EventSourceMappingArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:event-source-mapping:${uuid}`,
      EventSourceArn: eventSourceArn,
      FunctionArn: target,
    };
  };

  for (const { function: fn, trigger } of subscriptionsOfAll(options.services)) {
    const queueName = queueNameOf(fn);
    const target = aliasArnOf(fn.name);
    const batchSize = trigger.batchSize ?? SQS_EVENT_SOURCE_DEFAULTS.batchSize;
    const maximumBatchingWindowSeconds =
      trigger.maxBatchingWindowSeconds ?? SQS_EVENT_SOURCE_DEFAULTS.maxBatchingWindowSeconds;
    const maxConcurrency = trigger.maxConcurrency ?? SQS_EVENT_SOURCE_DEFAULTS.maxConcurrency;
    const mapping = trackMapping(options.invoker, (state) => ({
      ...identity(options.sqs.queueArn(queueName), `queue/${queueName}`, target),
      BatchSize: batchSize,
      MaximumBatchingWindowInSeconds: maximumBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: maxConcurrency },
      LastModified: startedAt,
      State: state,
      StateTransitionReason: 'USER_INITIATED',
    }));
    const source = startSqsEventSource({
      engine: options.sqs,
      queueName,
      functionName: target,
      invoker: mapping.invoker,
      batchSize,
      maximumBatchingWindowSeconds,
      maxConcurrency,
      reportBatchItemFailures: true,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.tracing ? { spans: options.tracing.spans } : {}),
      onError: (error) => options.log(`[sqs:${fn.name}] ${String(error)}`),
    });
    options.registry?.add(mapping.describe);
    sources.push({ stop: () => mapping.stopping(() => source.stop()) });
  }
  for (const service of options.services) {
    const table = options.tables.find((t) => t.service === service.name);
    const streamArn = table?.streamArn;
    for (const fn of service.functions) {
      const trigger = fn.triggers.find((t) => t.type === 'stream');
      if (!trigger || !table || !streamArn) continue;
      const target = aliasArnOf(fn.name);
      const batchSize = trigger.batchSize ?? STREAM_EVENT_SOURCE_BATCH_SIZE;
      const mapping = trackMapping(options.invoker, (state, lastProcessingResult) => ({
        ...identity(streamArn, `table/${table.tableName}`, target),
        BatchSize: batchSize,
        // The local poller reads every 25 ms and invokes with what it got: no batching window.
        MaximumBatchingWindowInSeconds: 0,
        StartingPosition: 'TRIM_HORIZON',
        ParallelizationFactor: 1,
        MaximumRecordAgeInSeconds: -1,
        MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
        // The CDK app bisects failing batches; the local poller retries from the first failed record,
        // then sends the invocation record of what it gave up on to the relay's stream DLQ.
        BisectBatchOnFunctionError: false,
        DestinationConfig: {
          OnFailure: { Destination: options.sqs.queueArn(streamDeadLetterQueueNameOf(fn)) },
        },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        TumblingWindowInSeconds: 0,
        LastModified: startedAt,
        LastProcessingResult: lastProcessingResult,
        State: state,
        StateTransitionReason: 'User action',
      }));
      const source = startStreamEventSource({
        streamsClient: options.streams,
        streamArn,
        functionName: target,
        invoker: mapping.invoker,
        batchSize,
        // As the CDK app's retryAttempts: the first invocation and that many retries.
        maxAttempts: STREAM_RETRY_ATTEMPTS + 1,
        // From the oldest record: with --persist, outbox events written while stopped are still relayed
        // (consumers de-duplicate, so a replay is harmless).
        startingPosition: 'TRIM_HORIZON',
        region: LOCAL_REGION,
        ...(options.tracing ? { tracing: options.tracing } : {}),
        onError: (error) => options.log(`[stream:${fn.name}] ${String(error)}`),
        // The CDK's `onFailure: new SqsDlq(...)`: the invocation record goes to the relay's stream DLQ.
        onFailure: (record) => {
          options.sqs.sendMessage(streamDeadLetterQueueNameOf(fn), { MessageBody: JSON.stringify(record) });
        },
      });
      options.registry?.add(mapping.describe);
      sources.push({ stop: () => mapping.stopping(() => source.stop()), stream: source });
    }
  }
  return sources;
};
