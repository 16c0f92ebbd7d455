import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/dynamodb-local.ts';
import { createServiceTable } from '../dynamodb/service-tables.ts';
import type { InvokeResult, LambdaInvoker } from '../lambda/lambda.types.ts';
import {
  type StreamEventSource,
  type StreamEventSourceOptions,
  type StreamFailureRecord,
  StreamRecordsDiscardedError,
  startStreamEventSource,
} from './stream-event-source.poller.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'eu-west-1';

interface Invocation {
  readonly functionName: string;
  readonly event: DynamoDBStreamEvent;
  readonly at: number;
}

/** Stands in for the Lambda host: records each invocation and answers as the test says. */
const recordingInvoker = (
  answer: (event: DynamoDBStreamEvent, call: number) => InvokeResult = () => ok(),
) => {
  const invocations: Invocation[] = [];
  const invoker: LambdaInvoker = {
    invoke: async (functionName, payload) => {
      const event = payload as DynamoDBStreamEvent;
      invocations.push({ functionName, event, at: performance.now() });
      return answer(event, invocations.length);
    },
  };
  return { invoker, invocations };
};

const ok = (payload: unknown = null): InvokeResult => ({ ok: true, payload });
const functionError = (): InvokeResult => ({
  ok: false,
  error: { errorType: 'Error', errorMessage: 'boom' },
  timedOut: false,
});

const waitFor = async <T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const keyOf = (record: DynamoDBRecord | undefined): string | undefined => record?.dynamodb?.Keys?.pk?.S;
const keysDelivered = (invocations: readonly Invocation[]): string[] =>
  invocations.flatMap((i) => i.event.Records.map((r) => keyOf(r) ?? '?'));

describe('DynamoDB Streams event source', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;
  let streamsClient: DynamoDBStreamsClient;
  let tables = 0;
  const sources: StreamEventSource[] = [];

  /** A fresh table with a stream per test, so tests never see each other's records. */
  const newTable = async (): Promise<{ tableName: string; streamArn: string }> => {
    const tableName = `stream-test-${++tables}`;
    const { streamArn } = await createServiceTable(client, tableName, {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      stream: 'NEW_AND_OLD_IMAGES',
    });
    if (!streamArn) throw new Error('table has no stream');
    return { tableName, streamArn };
  };

  const start = async (
    options: Pick<StreamEventSourceOptions, 'streamArn' | 'invoker'> & Partial<StreamEventSourceOptions>,
  ): Promise<StreamEventSource> => {
    const source = startStreamEventSource({
      streamsClient,
      functionName: 'shop-relay',
      region: REGION,
      retryDelayMs: 5,
      ...options,
    });
    sources.push(source);
    await source.ready;
    return source;
  };

  const put = (tableName: string, pk: string, extra: Record<string, { S: string }> = {}) =>
    client.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, sk: { S: 'A' }, ...extra } }),
    );

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: ddb.endpoint, region: REGION, credentials });
    streamsClient = new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: REGION, credentials });
  });

  afterAll(async () => {
    await Promise.all(sources.map((source) => source.stop()));
    client?.destroy();
    streamsClient?.destroy();
    await ddb?.stop();
  });

  it('invokes the function with Lambda’s event for inserts, updates and deletes', async () => {
    const { tableName, streamArn } = await newTable();
    const { invoker, invocations } = recordingInvoker();
    await start({ streamArn, invoker });
    const before = Math.floor(Date.now() / 1000);
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'p1' }, sk: { S: 'A' }, n: { N: '1' }, bin: { B: Uint8Array.from([1, 2, 255]) } },
      }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'p1' }, sk: { S: 'A' } },
        UpdateExpression: 'SET n = :two',
        ExpressionAttributeValues: { ':two': { N: '2' } },
      }),
    );
    await client.send(
      new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: 'p1' }, sk: { S: 'A' } } }),
    );
    const records = await waitFor(() => {
      const all = invocations.flatMap((i) => i.event.Records);
      return all.length >= 3 ? all : undefined;
    });
    expect(invocations.every((i) => i.functionName === 'shop-relay')).toBe(true);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    expect(insert).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { pk: { S: 'p1' }, sk: { S: 'A' } },
        NewImage: { pk: { S: 'p1' }, sk: { S: 'A' }, n: { N: '1' }, bin: { B: 'AQL/' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(insert?.eventID).toEqual(expect.any(String));
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(insert?.dynamodb?.SizeBytes).toBeGreaterThan(0);
    // Epoch seconds, as in Lambda's event, not the SDK's Date (DynamoDB Local rounds down to the minute).
    const created = insert?.dynamodb?.ApproximateCreationDateTime;
    expect(Number.isInteger(created)).toBe(true);
    expect(created).toBeGreaterThanOrEqual(before - 60);
    expect(created).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(modify?.dynamodb?.OldImage?.n).toEqual({ N: '1' });
    expect(modify?.dynamodb?.NewImage?.n).toEqual({ N: '2' });
    expect(remove?.dynamodb?.OldImage?.n).toEqual({ N: '2' });
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
    // The whole event survives JSON, as it must to reach a Lambda worker.
    expect(JSON.parse(JSON.stringify(invocations[0]?.event))).toEqual(invocations[0]?.event);
  });

  it('delivers a write within a few tens of milliseconds', async () => {
    const { tableName, streamArn } = await newTable();
    const { invoker, invocations } = recordingInvoker();
    await start({ streamArn, invoker });
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      // Writes land at random points of the poll cycle, as they do in use.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
      const written = performance.now();
      await put(tableName, `latency-${i}`);
      const invocation = await waitFor(() =>
        invocations.find((inv) => inv.event.Records.some((r) => keyOf(r) === `latency-${i}`)),
      );
      latencies.push(invocation.at - written);
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
    const max = latencies.at(-1) ?? Number.NaN;
    console.info(`PutItem -> invocation latency: p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    expect(p50).toBeLessThan(100);
  });

  it('polls an idle stream less and less often, up to maxPollIntervalMs, and picks up the next write', async () => {
    const { tableName, streamArn } = await newTable();
    const getRecordsCalls = { backingOff: 0, steady: 0 };
    const counting = (name: keyof typeof getRecordsCalls) =>
      ({
        send: (command: Parameters<DynamoDBStreamsClient['send']>[0]) => {
          if (command instanceof GetRecordsCommand) getRecordsCalls[name] += 1;
          return streamsClient.send(command);
        },
      }) as DynamoDBStreamsClient;
    const { invoker, invocations } = recordingInvoker();
    await start({ streamArn, invoker, streamsClient: counting('backingOff'), maxPollIntervalMs: 160 });
    await start({
      streamArn,
      invoker: recordingInvoker().invoker,
      streamsClient: counting('steady'),
      maxPollIntervalMs: 25,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // The same second of an idle stream: 25 ms pauses, against 25, 50, 100, then 160 ms ones.
    expect(getRecordsCalls.backingOff).toBeGreaterThan(0);
    expect(getRecordsCalls.backingOff * 2).toBeLessThan(getRecordsCalls.steady);
    const written = performance.now();
    await put(tableName, 'after-idle');
    const invocation = await waitFor(() =>
      invocations.find((inv) => inv.event.Records.some((r) => keyOf(r) === 'after-idle')),
    );
    expect(invocation.at - written).toBeLessThan(1_000);
  });

  it('tells whether all written before a moment is delivered, and reads at once when nudged', async () => {
    const { tableName, streamArn } = await newTable();
    let release: () => void = () => {};
    const delivered = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { invoker, invocations } = recordingInvoker();
    const held: LambdaInvoker = {
      invoke: async (functionName, payload, options) => {
        const result = await invoker.invoke(functionName, payload, options);
        await delivered;
        return result;
      },
    };
    // Pauses long enough that only the nudge explains a prompt read.
    const source = await start({ streamArn, invoker: held, pollIntervalMs: 3_000, maxPollIntervalMs: 3_000 });
    await waitFor(() => (source.caughtUpSince(0) ? true : undefined));
    const beforeWrite = performance.now();
    // No read has begun since.
    expect(source.caughtUpSince(beforeWrite)).toBe(false);

    await put(tableName, 'nudged');
    source.pollNow();
    const invocation = await waitFor(
      () => invocations.find((inv) => inv.event.Records.some((r) => keyOf(r) === 'nudged')),
      1_500,
    );
    expect(invocation.at - beforeWrite).toBeLessThan(1_500);
    // Being delivered is not caught up.
    expect(source.caughtUpSince(beforeWrite)).toBe(false);
    release();
    await waitFor(() => (source.caughtUpSince(beforeWrite) ? true : undefined), 1_500);
    expect(keysDelivered(invocations)).toEqual(['nudged']);
  });

  it('keeps the order of writes and batches them up to batchSize', async () => {
    const { tableName, streamArn } = await newTable();
    const { invoker, invocations } = recordingInvoker();
    const keys = Array.from({ length: 30 }, (_, i) => `order-${String(i).padStart(2, '0')}`);
    // Written before the source starts, read from the stream's start.
    for (const key of keys.slice(0, 15)) await put(tableName, key);
    await start({ streamArn, invoker, startingPosition: 'TRIM_HORIZON', batchSize: 4 });
    for (const key of keys.slice(15)) await put(tableName, key);
    await waitFor(() => (keysDelivered(invocations).length >= keys.length ? true : undefined));
    expect(keysDelivered(invocations)).toEqual(keys);
    expect(Math.max(...invocations.map((i) => i.event.Records.length))).toBeLessThanOrEqual(4);
  });

  it('starts after the existing records with LATEST', async () => {
    const { tableName, streamArn } = await newTable();
    await put(tableName, 'before-start');
    const { invoker, invocations } = recordingInvoker();
    await start({ streamArn, invoker, startingPosition: 'LATEST' });
    await put(tableName, 'after-start');
    await waitFor(() => (invocations.length > 0 ? true : undefined));
    expect(keysDelivered(invocations)).toEqual(['after-start']);
  });

  it('retries the same batch after a function error', async () => {
    const { tableName, streamArn } = await newTable();
    const { invoker, invocations } = recordingInvoker((_, call) => (call < 3 ? functionError() : ok()));
    const source = await start({ streamArn, invoker });
    await put(tableName, 'flaky');
    await waitFor(() => (invocations.length >= 3 ? true : undefined));
    expect(invocations.map((i) => keysDelivered([i]))).toEqual([['flaky'], ['flaky'], ['flaky']]);
    expect(source.stats()).toMatchObject({ retries: 2, records: 1, discardedRecords: 0 });
  });

  it('retries from the sequence number a partial batch failure reports', async () => {
    const { tableName, streamArn } = await newTable();
    let failed = false;
    const { invoker, invocations } = recordingInvoker((event) => {
      const second = event.Records.find((r) => keyOf(r) === 'b');
      if (failed || !second) return ok({ batchItemFailures: [] });
      failed = true;
      return ok({ batchItemFailures: [{ itemIdentifier: second.dynamodb?.SequenceNumber }] });
    });
    // Written before the start so that one GetRecords returns all three.
    for (const key of ['a', 'b', 'c']) await put(tableName, key);
    await start({ streamArn, invoker, startingPosition: 'TRIM_HORIZON' });
    await waitFor(() => (invocations.length >= 2 ? true : undefined));
    expect(invocations.map((i) => keysDelivered([i]))).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
  });

  it('treats a failure naming a record outside the batch as a failure of the whole batch', async () => {
    const { tableName, streamArn } = await newTable();
    const { invoker, invocations } = recordingInvoker((_, call) =>
      ok(call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } : {}),
    );
    await start({ streamArn, invoker });
    await put(tableName, 'x');
    await waitFor(() => (invocations.length >= 2 ? true : undefined));
    expect(invocations.map((i) => keysDelivered([i]))).toEqual([['x'], ['x']]);
  });

  it('gives up on a failing record after maxAttempts, reports it and carries on', async () => {
    const { tableName, streamArn } = await newTable();
    const errors: unknown[] = [];
    const { invoker, invocations } = recordingInvoker((event) => {
      const poison = event.Records.find((r) => keyOf(r) === 'poison');
      return ok(poison ? { batchItemFailures: [{ itemIdentifier: poison.dynamodb?.SequenceNumber }] } : {});
    });
    for (const key of ['ok-1', 'poison', 'ok-2']) await put(tableName, key);
    const source = await start({
      streamArn,
      invoker,
      startingPosition: 'TRIM_HORIZON',
      maxAttempts: 3,
      onError: (error) => errors.push(error),
    });
    await waitFor(() => (errors.length > 0 ? true : undefined));
    await put(tableName, 'ok-3');
    await waitFor(() => (keysDelivered(invocations).includes('ok-3') ? true : undefined));
    expect(invocations.map((i) => keysDelivered([i]))).toEqual([
      ['ok-1', 'poison', 'ok-2'],
      ['poison', 'ok-2'],
      ['poison', 'ok-2'],
      ['ok-2'],
      ['ok-3'],
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StreamRecordsDiscardedError);
    expect((errors[0] as StreamRecordsDiscardedError).sequenceNumbers).toHaveLength(1);
    expect(source.stats()).toMatchObject({ discardedRecords: 1, records: 3 });
  });

  it('discards the rest of a batch whose function keeps failing, then carries on', async () => {
    const { tableName, streamArn } = await newTable();
    const errors: unknown[] = [];
    const { invoker, invocations } = recordingInvoker((event) =>
      event.Records.some((r) => keyOf(r) === 'crash') ? functionError() : ok(),
    );
    const source = await start({
      streamArn,
      invoker,
      maxAttempts: 2,
      onError: (error) => errors.push(error),
    });
    await put(tableName, 'crash');
    await waitFor(() => (errors.length > 0 ? true : undefined));
    await put(tableName, 'next');
    await waitFor(() => (keysDelivered(invocations).includes('next') ? true : undefined));
    expect(invocations.map((i) => keysDelivered([i]))).toEqual([['crash'], ['crash'], ['next']]);
    expect(String(errors[0])).toMatch(/discarded 1 stream record\(s\).*after 2 attempts: Error: boom/);
    expect(source.stats().discardedRecords).toBe(1);
  });

  it("sends Lambda's invocation record of a batch it gives up on to the on-failure destination", async () => {
    const { tableName, streamArn } = await newTable();
    const failures: StreamFailureRecord[] = [];
    const { invoker } = recordingInvoker((event) =>
      event.Records.some((r) => keyOf(r) === 'doomed') ? functionError() : ok(),
    );
    await start({
      streamArn,
      invoker,
      maxAttempts: 2,
      onError: () => {},
      onFailure: (record) => {
        failures.push(record);
      },
    });
    await put(tableName, 'doomed');
    const [record] = await waitFor(() => (failures.length > 0 ? failures : undefined));
    expect(record).toEqual({
      requestContext: {
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        functionArn: `arn:aws:lambda:${REGION}:000000000000:function:shop-relay`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 2,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      DDBStreamBatchInfo: {
        shardId: expect.stringMatching(/^shardId-/),
        startSequenceNumber: expect.stringMatching(/^\d+$/),
        endSequenceNumber: record?.DDBStreamBatchInfo.startSequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        approximateArrivalOfLastRecord: record?.DDBStreamBatchInfo.approximateArrivalOfFirstRecord,
        batchSize: 1,
        streamArn,
      },
    });
    // The records themselves are not in it: they are read from the stream, as in AWS.
    expect(JSON.stringify(record)).not.toContain('doomed');
  });

  it('stops polling on stop()', async () => {
    const { tableName, streamArn } = await newTable();
    const { invoker, invocations } = recordingInvoker();
    const source = await start({ streamArn, invoker });
    await source.stop();
    await put(tableName, 'after-stop');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(invocations).toHaveLength(0);
  });
});

describe('DynamoDB Streams event source shutting down', () => {
  it('reports nothing when DynamoDB Local goes away while the source stops', async () => {
    // What Ctrl-C does to `npm start`: the source stops while the database under it is going away.
    const ddb = await startDynamoDbLocal();
    const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: REGION, credentials });
    const streamsClient = new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: REGION, credentials });
    const errors: unknown[] = [];
    try {
      const { streamArn } = await createServiceTable(client, 'stopping', {
        partitionKey: { name: 'pk', type: 'S' },
        stream: 'NEW_AND_OLD_IMAGES',
      });
      if (!streamArn) throw new Error('table has no stream');
      const { invoker } = recordingInvoker();
      const source = startStreamEventSource({
        streamsClient,
        streamArn,
        functionName: 'shop-relay',
        invoker,
        region: REGION,
        // Back-to-back GetRecords calls: one is almost always in flight when the database dies.
        pollIntervalMs: 0,
        onError: (error) => errors.push(error),
      });
      await source.ready;
      const databaseGone = ddb.stop();
      await source.stop();
      await databaseGone;
      expect(errors).toEqual([]);
    } finally {
      client.destroy();
      streamsClient.destroy();
      await ddb.stop();
    }
  });
});
