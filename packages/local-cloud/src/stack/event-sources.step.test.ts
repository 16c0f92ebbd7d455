import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { defineService } from '@shop/platform/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/dynamodb-local.ts';
import { createServiceTables, type ServiceTable } from '../dynamodb/service-tables.ts';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import {
  createEventSourceMappingRegistry,
  type EventSourceMappingRegistry,
} from '../lambda/event-source-mapping.registry.ts';
import { createLambdaApi } from '../lambda/lambda.api.ts';
import { bundleFunctions } from '../lambda/lambda.bundler.ts';
import { createLambdaHost, type LambdaHost } from '../lambda/lambda.host.ts';
import { functionArn, type LambdaInvoker } from '../lambda/lambda.types.ts';
import { SqsEngine } from '../sqs/index.ts';
import { type EventSource, startEventSources } from './event-sources.step.ts';
import { specOf } from './service-functions.step.ts';
import { createSubscriptionQueues } from './subscription-queues.step.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A consumer of one queue and a relay of the table's stream, both answering with their event. */
const service = defineService({
  name: 'esm',
  root: new URL('../lambda/test-fixtures/', import.meta.url),
  table: { partitionKey: { name: 'pk', type: 'S' }, stream: 'NEW_AND_OLD_IMAGES' },
  functions: {
    consumer: {
      entry: 'probe.handler.ts',
      handler: 'echo',
      timeoutSeconds: 5,
      triggers: [
        {
          type: 'sqs',
          events: ['thing.happened'],
          batchSize: 5,
          maxBatchingWindowSeconds: 1,
          maxConcurrency: 3,
        },
      ],
    },
    relay: { entry: 'probe.handler.ts', handler: 'echo', triggers: [{ type: 'stream', batchSize: 50 }] },
  },
});

const consumerAlias = `${functionArn('esm-consumer')}:live`;
const relayAlias = `${functionArn('esm-relay')}:live`;

describe('event source mappings of the local stack', () => {
  let ddb: DynamoDbLocal;
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let tables: readonly ServiceTable[];
  let sqs: SqsEngine;
  let outDir: string;
  let host: LambdaHost;
  let registry: EventSourceMappingRegistry;
  let sources: EventSource[] = [];
  let edge: StartedServer;
  let lambda: LambdaClient;
  const invoked: string[] = [];
  let invoker: LambdaInvoker;

  const start = (into: EventSourceMappingRegistry) =>
    startEventSources({ services: [service], sqs, streams, tables, invoker, log: () => {}, registry: into });

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    dynamodb = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials });
    streams = new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials });
    tables = await createServiceTables(dynamodb, [service]);
    sqs = new SqsEngine();
    createSubscriptionQueues(sqs, [service]);
    outDir = await mkdtemp(join(tmpdir(), 'event-sources-'));
    const specs = service.functions.map((fn) => specOf(fn, {}));
    const { bundles } = await bundleFunctions(specs, outDir);
    host = createLambdaHost({ log: () => {} });
    for (const spec of specs) host.register(spec, bundles[spec.name] ?? '');
    invoker = {
      invoke: (name, payload, options) => {
        invoked.push(name);
        return host.invoke(name, payload, options);
      },
    };
    registry = createEventSourceMappingRegistry();
    sources = start(registry);
    edge = await startEdge([createLambdaApi(host, { eventSourceMappings: registry })]);
    lambda = new LambdaClient({ endpoint: edge.url, region: 'us-east-1', credentials });
  }, 60_000);

  afterAll(async () => {
    lambda?.destroy();
    await edge?.close();
    await Promise.all(sources.map((source) => source.stop()));
    await host?.close();
    sqs?.close();
    streams?.destroy();
    dynamodb?.destroy();
    await ddb?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const streamArn = () => tables[0]?.streamArn ?? '';
  const mappingsOf = async (filter: { EventSourceArn?: string; FunctionName?: string } = {}) =>
    (await lambda.send(new ListEventSourceMappingsCommand(filter))).EventSourceMappings ?? [];

  it('describes the SQS poller as Lambda describes an SQS mapping on the live alias', async () => {
    const [mapping] = await mappingsOf({ EventSourceArn: sqs.queueArn('esm-consumer') });

    expect(mapping).toEqual({
      UUID: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      EventSourceMappingArn: `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${mapping?.UUID}`,
      EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:esm-consumer',
      FunctionArn: consumerAlias,
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 3 },
      LastModified: expect.any(Date),
      State: 'Enabled',
      StateTransitionReason: 'USER_INITIATED',
    });
  });

  it('describes the stream poller with what it does locally', async () => {
    const [mapping] = await mappingsOf({ EventSourceArn: streamArn() });

    expect(mapping).toMatchObject({
      EventSourceArn: streamArn(),
      FunctionArn: relayAlias,
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 0,
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
      MaximumRecordAgeInSeconds: -1,
      MaximumRetryAttempts: 10,
      BisectBatchOnFunctionError: false,
      DestinationConfig: { OnFailure: {} },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      TumblingWindowInSeconds: 0,
      State: 'Enabled',
      StateTransitionReason: 'User action',
    });
  });

  it('filters by FunctionName as the ARN it names, qualified or not, and lists nothing for unknown ones', async () => {
    const uuidsOf = async (FunctionName: string) =>
      (await mappingsOf({ FunctionName })).map((m) => m.FunctionArn);

    expect(await uuidsOf('esm-consumer:live')).toEqual([consumerAlias]);
    expect(await uuidsOf(consumerAlias)).toEqual([consumerAlias]);
    expect(await uuidsOf('000000000000:function:esm-relay:live')).toEqual([relayAlias]);
    // The mappings are on the alias, as the CDK app creates them: the unqualified function has none.
    expect(await uuidsOf('esm-consumer')).toEqual([]);
    expect(await uuidsOf('no-such-function')).toEqual([]);
    expect(
      await mappingsOf({ FunctionName: 'esm-relay:live', EventSourceArn: sqs.queueArn('esm-consumer') }),
    ).toEqual([]);
  });

  it('pages with MaxItems and Marker', async () => {
    const first = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 1 }));
    const second = await lambda.send(
      new ListEventSourceMappingsCommand({ MaxItems: 1, Marker: first.NextMarker ?? '' }),
    );

    expect(first.EventSourceMappings).toHaveLength(1);
    expect(first.NextMarker).toBeDefined();
    expect(second.EventSourceMappings?.map((m) => m.FunctionArn)).toEqual([relayAlias]);
    expect(second.NextMarker).toBeUndefined();
  });

  it('gets a mapping by UUID, and answers 404 for an unknown one', async () => {
    const [listed] = await mappingsOf({ FunctionName: relayAlias });
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: listed?.UUID ?? '' }));
    const failure = lambda.send(
      new GetEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000' }),
    );

    expect(got).toMatchObject({ UUID: listed?.UUID, FunctionArn: relayAlias, EventSourceArn: streamArn() });
    await expect(failure).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(failure).rejects.toMatchObject({ message: 'The resource you requested does not exist.' });
  });

  it('invokes the live alias and reports how the last stream batch went', async () => {
    expect((await mappingsOf({ FunctionName: relayAlias }))[0]?.LastProcessingResult).toBe(
      'No records processed',
    );
    await dynamodb.send(
      new PutItemCommand({ TableName: tables[0]?.tableName, Item: { pk: { S: 'item-1' } } }),
    );
    sqs.sendMessage('esm-consumer', { MessageBody: 'hello' });

    await expect
      .poll(async () => (await mappingsOf({ FunctionName: relayAlias }))[0]?.LastProcessingResult, {
        timeout: 15_000,
      })
      .toBe('OK');
    await expect
      .poll(
        () =>
          sqs.getQueueAttributes('esm-consumer', [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
          ]),
        {
          timeout: 15_000,
        },
      )
      .toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(new Set(invoked)).toEqual(new Set([consumerAlias, relayAlias]));
  });

  it('keeps each mapping UUID across restarts and shows a stopped mapping as Disabled', async () => {
    const again = createEventSourceMappingRegistry();
    const restarted = start(again);
    await Promise.all(restarted.map((source) => source.stop()));

    expect(again.list().map((m) => m.UUID)).toEqual(registry.list().map((m) => m.UUID));
    expect(again.list().map((m) => m.State)).toEqual(['Disabled', 'Disabled']);
    expect(registry.list().map((m) => m.State)).toEqual(['Enabled', 'Enabled']);
  });
});
