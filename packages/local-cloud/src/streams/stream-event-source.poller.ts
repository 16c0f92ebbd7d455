import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkStreamRecord,
  type Shard,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { functionArn, type InvokeResult, type LambdaInvoker, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { type ActiveSpan, nowMs, type SpanRecorder } from '../traces/span.recorder.ts';
import type { WriteLinks } from '../traces/write-links.ts';
import { toLambdaStreamRecord } from './stream-record.mapper.ts';

export interface StreamEventSourceOptions {
  /** A client pointed at DynamoDB Local (or the edge in front of it). */
  readonly streamsClient: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly functionName: string;
  readonly invoker: LambdaInvoker;
  /** Records per invocation, 1 to 1,000 (one GetRecords call). Default 100. */
  readonly batchSize?: number;
  /** Pause after an empty GetRecords that followed records. Default 25 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Each further empty GetRecords doubles the pause, up to this. Default 250 ms: Lambda's own pollers
   * read each shard about four times a second, and an idle stack should not spend its CPU polling.
   */
  readonly maxPollIntervalMs?: number;
  /** Where shards that exist at start are read from; shards that appear later are read from their start. */
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  /** Invocations of a batch (the first one included) before its failing records are discarded. Default 10. */
  readonly maxAttempts?: number;
  /** First retry delay, doubled on each retry up to {@link MAX_RETRY_DELAY_MS}. Default 100 ms. */
  readonly retryDelayMs?: number;
  /** How often DescribeStream looks for new shards. Default 1,000 ms. */
  readonly shardRefreshMs?: number;
  readonly region?: string;
  /** Polling and invocation failures and discarded records; defaults to `console.error`. */
  readonly onError?: (error: unknown) => void;
  /**
   * The mapping's on-failure destination: receives Lambda's invocation record for each batch given
   * up on (not the records themselves), as an SQS `onFailure` destination does in AWS.
   */
  readonly onFailure?: (record: StreamFailureRecord) => Promise<void> | void;
  /**
   * Records each stream record's way from its write to the function as a span under the API call
   * that wrote the item (found in `writes`), and invokes the function under the batch's first one.
   */
  readonly tracing?: { readonly spans: SpanRecorder; readonly writes: WriteLinks };
}

/**
 * What Lambda sends to a stream event source's on-failure destination when it gives up on a batch
 * (AWS Lambda developer guide, "Retain discarded records for a DynamoDB event source"): metadata to
 * find the records in the stream, not the records.
 */
export interface StreamFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetryAttemptsExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: 'Unhandled';
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

export interface StreamEventSourceStats {
  readonly invocations: number;
  readonly records: number;
  readonly retries: number;
  readonly discardedRecords: number;
  readonly shards: number;
}

export interface StreamEventSource {
  /**
   * Resolves once an iterator is held on every shard that existed at start, so a write made
   * afterwards is delivered even with `startingPosition: 'LATEST'`.
   */
  readonly ready: Promise<void>;
  stats(): StreamEventSourceStats;
  /**
   * True when every shard has been read to its end by a GetRecords call that began at `time`
   * (`performance.now()`) or later and found nothing: whatever was written before `time` has been
   * delivered. False while a batch is being delivered.
   */
  caughtUpSince(time: number): boolean;
  /** Ends the pause of every shard waiting between empty reads: each reads again now. */
  pollNow(): void;
  /** Stops polling and resolves once the in-flight invocation of every shard has finished. */
  stop(): Promise<void>;
}

export class StreamEventSourceConfigError extends Error {
  override readonly name = 'StreamEventSourceConfigError';
}

/** Records given up on after the last attempt; the error names the first and last sequence numbers. */
export class StreamRecordsDiscardedError extends Error {
  override readonly name = 'StreamRecordsDiscardedError';
  readonly sequenceNumbers: readonly string[];

  constructor(functionName: string, sequenceNumbers: readonly string[], attempts: number, cause: string) {
    super(
      `${functionName}: discarded ${sequenceNumbers.length} stream record(s) ` +
        `${sequenceNumbers[0] ?? '?'}..${sequenceNumbers.at(-1) ?? '?'} after ${attempts} attempts: ${cause}`,
    );
    this.sequenceNumbers = sequenceNumbers;
  }
}

export const MAX_RETRY_DELAY_MS = 2_000;
const RETRY_AFTER_POLL_ERROR_MS = 1_000;

type Outcome =
  | { readonly kind: 'success' }
  /** Retry from this position of the batch (`batchItemFailures`). */
  | { readonly kind: 'partial'; readonly position: number; readonly cause: string }
  | { readonly kind: 'error'; readonly cause: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * Reads a stream handler's answer as Lambda does with `ReportBatchItemFailures`: no failures is
 * success; otherwise the batch is retried from the lowest reported sequence number, and an answer
 * naming a record that is not in the batch fails the whole batch.
 */
export const outcomeOf = (result: InvokeResult, batch: readonly DynamoDBRecord[]): Outcome => {
  if (!result.ok) {
    return {
      kind: 'error',
      cause: `${result.error.errorType}: ${result.error.errorMessage}${result.timedOut ? ' (timed out)' : ''}`,
    };
  }
  const failures = isRecord(result.payload) ? result.payload.batchItemFailures : undefined;
  if (!Array.isArray(failures) || failures.length === 0) return { kind: 'success' };
  let position = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = isRecord(failure) ? failure.itemIdentifier : undefined;
    const index =
      typeof id === 'string' && id !== '' ? batch.findIndex((r) => r.dynamodb?.SequenceNumber === id) : -1;
    if (index < 0)
      return { kind: 'error', cause: `invalid batchItemFailures entry ${JSON.stringify(failure)}` };
    position = Math.min(position, index);
  }
  return {
    kind: 'partial',
    position,
    cause: `batchItemFailures from ${batch[position]?.dynamodb?.SequenceNumber}`,
  };
};

/** `2019-11-14T00:13:19Z`: how the invocation record writes arrival times (seconds, no fraction). */
const arrivalTime = (record: DynamoDBRecord | undefined): string => {
  const seconds = record?.dynamodb?.ApproximateCreationDateTime;
  return new Date(seconds === undefined ? Date.now() : seconds * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
};

/** The invocation record of a batch given up on; `functionError` unless the function reported item failures. */
export const streamFailureRecordOf = (options: {
  readonly functionName: string;
  readonly region: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly records: readonly DynamoDBRecord[];
  readonly attempts: number;
  readonly functionError: boolean;
}): StreamFailureRecord => {
  const first = options.records[0];
  const last = options.records.at(-1);
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: functionArn(options.functionName, options.region),
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: options.attempts,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(options.functionError ? { functionError: 'Unhandled' as const } : {}),
    },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: options.shardId,
      startSequenceNumber: first?.dynamodb?.SequenceNumber ?? '',
      endSequenceNumber: last?.dynamodb?.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: arrivalTime(first),
      approximateArrivalOfLastRecord: arrivalTime(last),
      batchSize: options.records.length,
      streamArn: options.streamArn,
    },
  };
};

/** A pause that `signal` ends early, and so does a call of the function put in `wakers`, if given. */
const sleep = (ms: number, signal: AbortSignal, wakers?: Set<() => void>): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      wakers?.delete(done);
      resolve();
    }
    signal.addEventListener('abort', done);
    wakers?.add(done);
  });

interface ShardState {
  readonly shard: Shard;
  readonly id: string;
  /** Where to start when the reader begins. */
  readonly position: ShardIteratorType;
  status: 'waiting' | 'reading' | 'done';
  reader?: Promise<void>;
  /** When the latest GetRecords began, if it found nothing (undefined once one finds records). */
  emptyReadStartedAt?: number;
}

/**
 * A DynamoDB Streams event source mapping: polls every shard of a stream (DescribeStream,
 * GetShardIterator, GetRecords), following new shards as they appear (a child only after its parent
 * is read to its end), and invokes the function with Lambda's `DynamoDBStreamEvent`, one batch at a
 * time per shard, so records reach it in order.
 *
 * Failures: a function error retries the same batch, `batchItemFailures` retries from the lowest
 * reported record, with a doubling delay. AWS keeps retrying until the records expire (24 h) unless
 * the mapping sets `MaximumRetryAttempts`; blocking a local shard that long helps nobody, so after
 * `maxAttempts` invocations this source gives up, reports a {@link StreamRecordsDiscardedError},
 * hands Lambda's invocation record of what it gave up on to `onFailure` (the mapping's on-failure
 * destination), and moves on: a record reported as failed is discarded alone and the rest of its
 * batch carries on; after a function error (which names no record), the rest of the batch is discarded.
 *
 * @example
 * const source = startStreamEventSource({ streamsClient, streamArn, functionName: 'catalog-outbox-relay', invoker: host });
 * await source.ready; // before writes that must be seen with LATEST
 * await source.stop();
 */
export const startStreamEventSource = (options: StreamEventSourceOptions): StreamEventSource => {
  const { streamsClient, streamArn, functionName, invoker } = options;
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 25;
  const maxPollIntervalMs = Math.max(pollIntervalMs, options.maxPollIntervalMs ?? 250);
  const startingPosition = options.startingPosition ?? 'LATEST';
  const maxAttempts = options.maxAttempts ?? 10;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const shardRefreshMs = options.shardRefreshMs ?? 1_000;
  const region = options.region ?? LOCAL_REGION;
  const onError = options.onError ?? ((error: unknown) => console.error(`[stream:${functionName}]`, error));
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new StreamEventSourceConfigError(`batchSize must be an integer from 1 to 1000, got ${batchSize}`);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new StreamEventSourceConfigError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }

  const controller = new AbortController();
  const { signal } = controller;
  const shards = new Map<string, ShardState>();
  /** The readers pausing between empty reads. */
  const pausing = new Set<() => void>();
  const stats = { invocations: 0, records: 0, retries: 0, discardedRecords: 0 };

  const iteratorOf = async (shardId: string, position: ShardIteratorType, sequenceNumber?: string) => {
    const { ShardIterator } = await streamsClient.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: position,
        ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
      }),
    );
    return ShardIterator;
  };

  const discard = async (
    records: readonly DynamoDBRecord[],
    attempts: number,
    outcome: Exclude<Outcome, { kind: 'success' }>,
    shardId: string,
  ): Promise<void> => {
    stats.discardedRecords += records.length;
    onError(
      new StreamRecordsDiscardedError(
        functionName,
        records.map((r) => r.dynamodb?.SequenceNumber ?? '?'),
        attempts,
        outcome.cause,
      ),
    );
    if (!options.onFailure) return;
    try {
      await options.onFailure(
        streamFailureRecordOf({
          functionName,
          region,
          streamArn,
          shardId,
          records,
          attempts,
          functionError: outcome.kind === 'error',
        }),
      );
    } catch (error) {
      onError(error);
    }
  };

  const tableName = /:table\/([^/]+)\/stream\//.exec(streamArn)?.[1] ?? '';
  /** A span per record, from the end of the write that caused it; ended when the function is done with it. */
  const recordSpansOf = (records: readonly DynamoDBRecord[]): Map<DynamoDBRecord, ActiveSpan> => {
    const spans = new Map<DynamoDBRecord, ActiveSpan>();
    if (!options.tracing) return spans;
    const { spans: recorder, writes } = options.tracing;
    for (const record of records) {
      const writerId = writes.writerOf(
        tableName,
        record.dynamodb?.Keys as Record<string, unknown> | undefined,
      );
      const writer = writerId ? recorder.get(writerId) : undefined;
      const span = recorder.start({
        name: `${tableName} ${record.eventName ?? 'record'}`,
        kind: 'stream',
        parent: writer ? { traceId: writer.traceId, spanId: writer.id } : undefined,
        ...(writer ? { startMs: writer.endMs ?? writer.startMs } : {}),
        attributes: {
          table: tableName,
          eventName: record.eventName ?? '',
          sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
        },
      });
      span.set({ receivedAtMs: nowMs() });
      spans.set(record, span);
    }
    return spans;
  };
  const endRecordSpans = (
    spans: ReadonlyMap<DynamoDBRecord, ActiveSpan>,
    records: readonly DynamoDBRecord[],
    attempts: number,
    error?: string,
  ): void => {
    for (const record of records) {
      const span = spans.get(record);
      if (!span) continue;
      span.set({ attempts });
      const endMs = Number(span.record.attributes.receivedAtMs);
      span.end(error ? { endMs, status: 'error', error } : { endMs });
    }
  };

  const deliver = async (records: readonly SdkStreamRecord[], shardId: string): Promise<void> => {
    let batch = records.map((record) => toLambdaStreamRecord(record, streamArn, region));
    const recordSpans = recordSpansOf(batch);
    // Invocations that included the batch's first record.
    let attempts = 0;
    try {
      await deliverBatch();
    } finally {
      endRecordSpans(recordSpans, [...recordSpans.keys()], attempts);
    }

    async function deliverBatch(): Promise<void> {
      while (batch.length > 0 && !signal.aborted) {
        attempts += 1;
        stats.invocations += 1;
        let outcome: Outcome;
        const parent = batch[0] ? recordSpans.get(batch[0]) : undefined;
        try {
          outcome = outcomeOf(
            await invoker.invoke(functionName, { Records: batch }, parent ? { traceId: parent.header } : {}),
            batch,
          );
        } catch (error) {
          outcome = { kind: 'error', cause: error instanceof Error ? error.message : String(error) };
        }
        if (outcome.kind === 'success') {
          stats.records += batch.length;
          return;
        }
        if (outcome.kind === 'partial' && outcome.position > 0) {
          // Progress: the records before the failure are done, and the failed one has had one attempt.
          stats.records += outcome.position;
          batch = batch.slice(outcome.position);
          attempts = 1;
        }
        if (attempts >= maxAttempts) {
          if (outcome.kind === 'partial') {
            endRecordSpans(recordSpans, batch.slice(0, 1), attempts, 'RetryAttemptsExhausted');
            await discard(batch.slice(0, 1), attempts, outcome, shardId);
            batch = batch.slice(1);
            attempts = 0;
            continue;
          }
          endRecordSpans(recordSpans, batch, attempts, 'RetryAttemptsExhausted');
          await discard(batch, attempts, outcome, shardId);
          return;
        }
        stats.retries += 1;
        await sleep(Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2 ** (attempts - 1)), signal);
      }
    }
  };

  /** A fresh iterator after the last record delivered, or at the shard's start position. */
  const reacquire = async (state: ShardState, lastSequenceNumber: string | undefined) => {
    try {
      return lastSequenceNumber
        ? await iteratorOf(state.id, 'AFTER_SEQUENCE_NUMBER', lastSequenceNumber)
        : await iteratorOf(state.id, state.position);
    } catch (error) {
      // Records past the retention period are gone: carry on from the oldest one left.
      if (error instanceof TrimmedDataAccessException) return iteratorOf(state.id, 'TRIM_HORIZON');
      throw error;
    }
  };

  const read = async (state: ShardState, firstIterator: string | undefined): Promise<void> => {
    let iterator = firstIterator;
    let lastSequenceNumber: string | undefined;
    let pauseMs = pollIntervalMs;
    while (!signal.aborted) {
      let output: Awaited<ReturnType<typeof getRecords>>;
      let readStartedAt: number;
      try {
        iterator ??= await reacquire(state, lastSequenceNumber);
        if (iterator === undefined) throw new Error(`GetShardIterator returned no iterator for ${state.id}`);
        readStartedAt = performance.now();
        output = await getRecords(iterator);
      } catch (error) {
        // A call that fails because the source is stopping (the stack shuts down around it) is no error.
        if (signal.aborted) return;
        // An expired iterator is replaced from the last record delivered, and so is one pointing before
        // the oldest record left (DynamoDB Local answers a fresh TRIM_HORIZON iterator that way at
        // times); other errors wait a moment.
        iterator = undefined;
        if (!(error instanceof ExpiredIteratorException) && !(error instanceof TrimmedDataAccessException)) {
          onError(error);
          await sleep(RETRY_AFTER_POLL_ERROR_MS, signal);
        }
        continue;
      }
      const records = output.Records ?? [];
      state.emptyReadStartedAt = records.length === 0 ? readStartedAt : undefined;
      if (records.length > 0) {
        await deliver(records, state.id);
        lastSequenceNumber = records.at(-1)?.dynamodb?.SequenceNumber ?? lastSequenceNumber;
      }
      if (!output.NextShardIterator) {
        // The shard is closed and read to its end: its children may start now.
        state.status = 'done';
        void refresh();
        return;
      }
      iterator = output.NextShardIterator;
      if (records.length > 0) {
        pauseMs = pollIntervalMs;
      } else {
        await sleep(pauseMs, signal, pausing);
        pauseMs = Math.min(maxPollIntervalMs, pauseMs * 2);
      }
    }
  };

  const getRecords = (iterator: string) =>
    streamsClient.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));

  const startReader = async (state: ShardState): Promise<void> => {
    state.status = 'reading';
    // The first iterator is taken now, before any later write, so LATEST means "from now on".
    const first = await iteratorOf(state.id, state.position).catch((error: unknown) => {
      if (!signal.aborted) onError(error);
      return undefined;
    });
    state.reader = read(state, first).catch((error: unknown) => {
      if (!signal.aborted) onError(error);
      state.status = 'done';
    });
  };

  const describeShards = async (): Promise<Shard[]> => {
    const all: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await streamsClient.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
        }),
      );
      all.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return all;
  };

  let initial = true;
  let refreshing: Promise<void> | undefined;
  const refreshOnce = async (): Promise<void> => {
    const described = await describeShards();
    for (const shard of described) {
      const id = shard.ShardId;
      if (!id || shards.has(id)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      if (initial && startingPosition === 'LATEST' && closed) {
        // Nothing will ever be written to it again.
        shards.set(id, { shard, id, position: 'LATEST', status: 'done' });
        continue;
      }
      shards.set(id, {
        shard,
        id,
        position: initial ? startingPosition : 'TRIM_HORIZON',
        status: 'waiting',
      });
    }
    initial = false;
    const starting: Promise<void>[] = [];
    for (const state of shards.values()) {
      if (state.status !== 'waiting') continue;
      const parent = state.shard.ParentShardId ? shards.get(state.shard.ParentShardId) : undefined;
      if (parent && parent.status !== 'done') continue;
      starting.push(startReader(state));
    }
    await Promise.all(starting);
  };
  const refresh = (): Promise<void> => {
    // One DescribeStream walk at a time; a request during one is served by it.
    refreshing ??= refreshOnce()
      .catch((error: unknown) => {
        if (!signal.aborted) onError(error);
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  // Resolves after the first successful walk (a failed one is reported and retried by the timer).
  const ready = new Promise<void>((resolve) => {
    signal.addEventListener('abort', () => resolve());
    const attempt = (): void => {
      if (signal.aborted) {
        resolve();
        return;
      }
      void refresh().then(() => {
        if (initial) setTimeout(attempt, RETRY_AFTER_POLL_ERROR_MS).unref();
        else resolve();
      });
    };
    attempt();
  });
  const timer = setInterval(() => {
    if (!initial) void refresh();
  }, shardRefreshMs);
  timer.unref();

  return {
    ready,
    stats: () => ({ ...stats, shards: shards.size }),
    caughtUpSince: (time) =>
      !initial &&
      [...shards.values()].every(
        (state) =>
          state.status === 'done' ||
          (state.status === 'reading' &&
            state.emptyReadStartedAt !== undefined &&
            state.emptyReadStartedAt >= time),
      ),
    pollNow: () => {
      for (const wake of [...pausing]) wake();
    },
    stop: async () => {
      clearInterval(timer);
      controller.abort();
      await refreshing;
      await Promise.all([...shards.values()].map((state) => state.reader));
    },
  };
};
