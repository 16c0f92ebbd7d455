import { type FaultInjector, NO_FAULTS } from '../faults/fault.types.ts';
import { TooManyRequestsError } from '../lambda/lambda.errors.ts';
import type { InvokeResult, LambdaInvoker } from '../lambda/lambda.types.ts';
import { type ActiveSpan, nowMs, type SpanRecorder } from '../traces/span.recorder.ts';
import type { SqsEngine } from './sqs.engine.ts';
import type { ReceivedMessage } from './sqs.types.ts';

export interface SqsEventSourceOptions {
  readonly engine: SqsEngine;
  readonly queueName: string;
  readonly functionName: string;
  readonly invoker: LambdaInvoker;
  /** Records per invocation: 1 to 10,000 (FIFO: 10); more than 10 needs a batching window. Default 10. */
  readonly batchSize?: number;
  /** How long to gather records before invoking, 0 to 300 s. Default 0. */
  readonly maximumBatchingWindowSeconds?: number;
  /** Concurrent invocations, 2 to 1,000. Default 5. */
  readonly maxConcurrency?: number;
  /** Honour `{ batchItemFailures: [{ itemIdentifier }] }` results. Default true. */
  readonly reportBatchItemFailures?: boolean;
  readonly region?: string;
  readonly accountId?: string;
  /** Where polling, invocation and delete failures go; defaults to `console.error`. */
  readonly onError?: (error: unknown) => void;
  /** `queue-duplicate` and `queue-redeliver` faults: at-least-once delivery, made visible. */
  readonly faults?: FaultInjector;
  /**
   * Records each message's time in the queue (from its send to this receive) as a span under its
   * `AWSTraceHeader`, and invokes the function under the batch's first one.
   */
  readonly spans?: SpanRecorder;
}

export interface SqsEventSource {
  /** Stops polling and resolves once every in-flight invocation has finished. */
  stop(): Promise<void>;
}

export interface SqsEventRecordMessageAttribute {
  readonly stringValue?: string;
  readonly binaryValue?: string;
  readonly stringListValues: string[];
  readonly binaryListValues: string[];
  readonly dataType: string;
}

/** One record of the SQS event Lambda receives (`aws-lambda`'s `SQSRecord`). */
export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, SqsEventRecordMessageAttribute>>;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface SqsEvent {
  readonly Records: SqsEventRecord[];
}

export class SqsEventSourceConfigError extends Error {
  override readonly name = 'SqsEventSourceConfigError';
}

const LONG_POLL_SECONDS = 20;
const RETRY_AFTER_ERROR_MS = 1000;
const RECEIVE_LIMIT = 10;
/** A throttled batch is retried with exponential backoff (as Lambda's pollers back off) this many times. */
const THROTTLE_RETRIES = 5;
const THROTTLE_BASE_DELAY_MS = 100;
/** Messages a redeliver fault already sent back once, so that it repeats each delivery once, not forever. */
const REDELIVERED_MEMORY = 10_000;

/** Shapes a received message (requested with every attribute) as Lambda's SQS event record. */
export const toSqsEventRecord = (
  message: ReceivedMessage,
  queueArn: string,
  region: string,
): SqsEventRecord => ({
  messageId: message.MessageId,
  receiptHandle: message.ReceiptHandle,
  body: message.Body,
  attributes: { ...message.Attributes },
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined
          ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
          : {}),
        stringListValues: [],
        binaryListValues: [],
        dataType: value.DataType,
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody,
  ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: region,
});

/**
 * Which message ids failed, from the function's result. As Lambda does: no result or an empty list
 * is full success; a malformed list or an unknown/empty `itemIdentifier` fails the whole batch.
 */
export const failedMessageIds = (payload: unknown, batchIds: ReadonlySet<string>): Set<string> | 'all' => {
  if (payload === null || payload === undefined || typeof payload !== 'object') return new Set();
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const failed = new Set<string>();
  for (const failure of failures) {
    const id: unknown =
      typeof failure === 'object' && failure !== null
        ? (failure as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
};

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * An SQS event source mapping: long-polls a queue of the engine and invokes the function with
 * Lambda's SQS event, deleting what succeeded. Failed messages are left to come back after the
 * visibility timeout and, through the queue's redrive policy, to reach its dead-letter queue.
 * FIFO groups stay in order: the engine never hands out a group that has a message in flight.
 *
 * @example
 * const source = startSqsEventSource({ engine, queueName: 'cart-events', functionName: 'cart-consumer', invoker });
 * await source.stop();
 */
export const startSqsEventSource = (options: SqsEventSourceOptions): SqsEventSource => {
  const { engine, queueName, functionName, invoker } = options;
  const fifo = engine.isFifo(queueName);
  const batchSize = options.batchSize ?? 10;
  const windowSeconds = options.maximumBatchingWindowSeconds ?? 0;
  const maxConcurrency = options.maxConcurrency ?? 5;
  const reportBatchItemFailures = options.reportBatchItemFailures ?? true;
  const region = options.region ?? engine.region;
  const onError =
    options.onError ?? ((error: unknown) => console.error(`[sqs:${queueName}->${functionName}]`, error));
  const maxBatch = fifo ? 10 : 10_000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxBatch) {
    throw new SqsEventSourceConfigError(
      `batchSize must be an integer from 1 to ${maxBatch} for ${queueName}`,
    );
  }
  if (!(windowSeconds >= 0 && windowSeconds <= 300)) {
    throw new SqsEventSourceConfigError('maximumBatchingWindowSeconds must be from 0 to 300');
  }
  if (batchSize > RECEIVE_LIMIT && windowSeconds < 1) {
    throw new SqsEventSourceConfigError(
      'a batchSize over 10 needs maximumBatchingWindowSeconds of at least 1',
    );
  }
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
    throw new SqsEventSourceConfigError('maxConcurrency must be an integer from 2 to 1000');
  }
  const accountId = options.accountId ?? engine.accountId;
  const queueArn = `arn:aws:sqs:${region}:${accountId}:${queueName}`;
  const faults = options.faults ?? NO_FAULTS;
  const redelivered = new Set<string>();

  const controller = new AbortController();
  const inFlight = new Set<Promise<void>>();

  const receive = (max: number, waitSeconds: number): Promise<ReceivedMessage[]> =>
    engine.receiveMessages(
      queueName,
      {
        MaxNumberOfMessages: Math.min(RECEIVE_LIMIT, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      },
      controller.signal,
    );

  const collectBatch = async (): Promise<ReceivedMessage[]> => {
    const batch = await receive(batchSize, LONG_POLL_SECONDS);
    if (batch.length === 0 || windowSeconds === 0) return batch;
    const deadline = performance.now() + windowSeconds * 1000;
    while (batch.length < batchSize && !controller.signal.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      batch.push(...(await receive(batchSize - batch.length, Math.min(LONG_POLL_SECONDS, remaining / 1000))));
    }
    return batch;
  };

  const deleteMessages = (messages: readonly ReceivedMessage[]): void => {
    for (const message of messages) {
      try {
        // A redeliver fault: the delete is "lost", so SQS hands the handled message out once more.
        if (!redelivered.has(message.MessageId) && faults.redeliversHandled(queueName)) {
          if (redelivered.size >= REDELIVERED_MEMORY) redelivered.clear();
          redelivered.add(message.MessageId);
          engine.changeMessageVisibility(queueName, message.ReceiptHandle, 0);
          continue;
        }
        engine.deleteMessage(queueName, message.ReceiptHandle);
      } catch (error) {
        onError(error);
      }
    }
  };

  /** A span per message for its time in the queue; ended once the consumer has answered for it. */
  const queueSpansOf = (messages: readonly ReceivedMessage[]): ActiveSpan[] => {
    if (!options.spans) return [];
    const receivedAt = nowMs();
    return messages.map((message) => {
      const attributes = message.Attributes ?? {};
      const sentAt = Number(attributes.SentTimestamp);
      const span = (options.spans as SpanRecorder).startUnder(attributes.AWSTraceHeader, {
        name: queueName,
        kind: 'queue',
        ...(Number.isFinite(sentAt) && sentAt <= receivedAt ? { startMs: sentAt } : {}),
        attributes: {
          queue: queueName,
          messageId: message.MessageId,
          receiveCount: Number(attributes.ApproximateReceiveCount ?? 1),
        },
      });
      span.set({ receivedAtMs: receivedAt });
      return span;
    });
  };

  /** Invokes the function, backing off and retrying while it is throttled. */
  const invokeWithBackoff = async (event: SqsEvent, traceId?: string): Promise<InvokeResult> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await invoker.invoke(functionName, event, traceId ? { traceId } : {});
      } catch (error) {
        if (!(error instanceof TooManyRequestsError) || attempt >= THROTTLE_RETRIES) throw error;
        await sleep(Math.random() * THROTTLE_BASE_DELAY_MS * 2 ** attempt, controller.signal);
      }
    }
  };

  const processBatch = async (messages: ReceivedMessage[]): Promise<void> => {
    const event: SqsEvent = { Records: messages.map((m) => toSqsEventRecord(m, queueArn, region)) };
    // A duplicate fault: some records arrive a second time, in an invocation of their own.
    const duplicates = event.Records.filter(() => faults.duplicatesDelivery(queueName));
    const queueSpans = queueSpansOf(messages);
    const endQueueSpans = (failed: ReadonlySet<string> | 'all' | 'none', error?: string) => {
      queueSpans.forEach((span, i) => {
        const id = messages[i]?.MessageId ?? '';
        const endMs = Number(span.record.attributes.receivedAtMs);
        const didFail = failed === 'all' || (failed !== 'none' && failed.has(id));
        span.end(didFail ? { endMs, status: 'error', error: error ?? 'BatchItemFailure' } : { endMs });
      });
    };
    let result: InvokeResult;
    try {
      result = await invokeWithBackoff(event, queueSpans[0]?.header);
    } catch (error) {
      endQueueSpans('all', error instanceof Error ? error.name : 'InvokeFailed');
      onError(error);
      return;
    } finally {
      if (duplicates.length > 0) {
        await invoker
          .invoke(
            functionName,
            { Records: duplicates },
            queueSpans[0] ? { traceId: queueSpans[0].header } : {},
          )
          .catch(onError);
      }
    }
    if (!result.ok) {
      endQueueSpans('all', result.error.errorType);
      return;
    }
    if (!reportBatchItemFailures) {
      endQueueSpans('none');
      deleteMessages(messages);
      return;
    }
    const failed = failedMessageIds(result.payload, new Set(messages.map((m) => m.MessageId)));
    endQueueSpans(failed);
    if (failed === 'all') return;
    if (fifo) {
      // After a failure in a group, Lambda treats that group's later records as not processed.
      const stoppedGroups = new Set<string>();
      for (const message of messages) {
        const group = message.Attributes?.MessageGroupId ?? '';
        if (stoppedGroups.has(group)) failed.add(message.MessageId);
        else if (failed.has(message.MessageId)) stoppedGroups.add(group);
      }
    }
    deleteMessages(messages.filter((m) => !failed.has(m.MessageId)));
  };

  /** Messages gathered when stop() came: hand them back at once rather than after their timeout. */
  const release = (messages: readonly ReceivedMessage[]): void => {
    for (const message of messages) {
      try {
        engine.changeMessageVisibility(queueName, message.ReceiptHandle, 0);
      } catch {
        // Already visible or gone: nothing to give back.
      }
    }
  };

  const loop = (async () => {
    while (!controller.signal.aborted && !engine.closed) {
      while (inFlight.size >= maxConcurrency) await Promise.race(inFlight);
      if (controller.signal.aborted) break;
      let batch: ReceivedMessage[];
      try {
        batch = await collectBatch();
      } catch (error) {
        onError(error);
        await sleep(RETRY_AFTER_ERROR_MS, controller.signal);
        continue;
      }
      if (batch.length === 0) continue;
      if (controller.signal.aborted) {
        release(batch);
        break;
      }
      const task: Promise<void> = processBatch(batch)
        .catch(onError)
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  })();

  return {
    stop: async () => {
      controller.abort();
      await loop;
      await Promise.allSettled([...inFlight]);
    },
  };
};
