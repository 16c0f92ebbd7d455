import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { createEventConsumer } from '@shop/platform/consumer';
import { getLogger } from '@shop/platform/observability';
import { createEvent, outboxPut } from '@shop/platform/outbox';
import { createOutboxRelayHandler, type EventRoutes } from '@shop/platform/relay';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../src/dynamodb/dynamodb-local.ts';
import { createServiceTable } from '../../src/dynamodb/service-tables.ts';
import { type StartedServer, startEdge } from '../../src/edge/index.ts';
import { bundleFunctions } from '../../src/lambda/lambda.bundler.ts';
import { createLambdaHost, type LambdaHost } from '../../src/lambda/lambda.host.ts';
import { type FunctionSpec, functionArn, type LambdaInvoker } from '../../src/lambda/lambda.types.ts';
import { createSqsEdgeHandler, SqsEngine, startSqsEventSource } from '../../src/sqs/index.ts';
import { startStreamEventSource } from '../../src/streams/index.ts';
import { OrderConfirmed, PaymentRefunded } from './fixtures/order-events.contract.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'us-east-1';

const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: functionArn(functionName),
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

type InProcessHandler = (event: never, context: Context) => Promise<unknown>;

/** Runs handlers in this process, shaped as the Lambda host answers (a thrown error is a function error). */
const inProcessInvoker = (
  functions: Record<string, InProcessHandler>,
  calls: { name: string; payload: unknown; result: unknown }[] = [],
): LambdaInvoker => ({
  invoke: async (name, payload) => {
    const fn = functions[name];
    if (!fn) throw new Error(`no function ${name}`);
    try {
      const result = await fn(payload as never, lambdaContext(name));
      calls.push({ name, payload, result });
      return { ok: true, payload: result };
    } catch (error) {
      calls.push({ name, payload, result: error });
      const { name: errorType, message } = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: { errorType, errorMessage: message }, timedOut: false };
    }
  },
});

const waitFor = async <T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const sqsRecord = (body: string, receiveCount = 1): SQSRecord => ({
  messageId: randomUUID(),
  receiptHandle: randomUUID(),
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: String(Date.now()),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
  awsRegion: REGION,
});

describe('outbox -> stream -> relay -> SQS -> idempotent consumer', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;
  let documentClient: DynamoDBDocumentClient;
  let streamsClient: DynamoDBStreamsClient;
  let engine: SqsEngine;
  let edge: StartedServer;
  let sqs: SQSClient;
  let names = 0;
  const cleanup: (() => Promise<void> | void)[] = [];

  const unique = (base: string): string => `${base}-${++names}`;

  const newTable = async () => {
    const tableName = unique('shop-order');
    const { streamArn } = await createServiceTable(client, tableName, {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      stream: 'NEW_AND_OLD_IMAGES',
      timeToLiveAttribute: 'expiresAt',
    });
    if (!streamArn) throw new Error('no stream');
    return { tableName, streamArn };
  };

  const createQueue = async (name: string, attributes: Record<string, string> = {}): Promise<string> => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { ...(name.endsWith('.fifo') ? { FifoQueue: 'true' } : {}), ...attributes },
      }),
    );
    if (!QueueUrl) throw new Error('no queue url');
    return QueueUrl;
  };

  const queueUrlOf = (name: string): string => `${edge.url}/000000000000/${name}`;

  const receiveAll = async (QueueUrl: string): Promise<Message[]> => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    return Messages ?? [];
  };

  const queueDepth = async (QueueUrl: string): Promise<number> => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };

  /** An order confirmed in one transaction with its event, as a service's repository writes it. */
  const confirmOrder = async (tableName: string, orderId: string, total = 4200, partitionHint?: string) => {
    const event = createEvent(
      OrderConfirmed,
      { orderId, total },
      { source: 'order', correlationId: `corr-${orderId}` },
    );
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { pk: `ORDER#${orderId}`, sk: 'ORDER', status: 'CONFIRMED', total },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          outboxPut(tableName, event, partitionHint ? { partitionHint } : 'pk'),
        ],
      }),
    );
    return event;
  };

  /** A relay fed by the table's stream, in this process. */
  const startRelay = async (streamArn: string, routes: EventRoutes, retryDelayMs = 100) => {
    const calls: { name: string; payload: unknown; result: unknown }[] = [];
    const relay = createOutboxRelayHandler({ routes, sqs });
    const source = startStreamEventSource({
      streamsClient,
      streamArn,
      functionName: 'order-outbox-relay',
      invoker: inProcessInvoker({ 'order-outbox-relay': relay }, calls),
      retryDelayMs,
      region: REGION,
    });
    cleanup.push(() => source.stop());
    await source.ready;
    return { calls, source };
  };

  beforeAll(async () => {
    // Quiet logs; the tests watch the logger's calls instead.
    process.env.LOG_LEVEL = 'SILENT';
    ddb = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: ddb.endpoint, region: REGION, credentials });
    documentClient = DynamoDBDocumentClient.from(client);
    streamsClient = new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: REGION, credentials });
    engine = new SqsEngine();
    edge = await startEdge([createSqsEdgeHandler(engine)]);
    sqs = new SQSClient({ endpoint: edge.url, region: REGION, credentials });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });

  afterAll(async () => {
    sqs?.destroy();
    engine?.close();
    await edge?.close();
    client?.destroy();
    streamsClient?.destroy();
    await ddb?.stop();
  });

  describe('publishing', () => {
    it('writes the change and its outbox item together, or neither when a condition fails', async () => {
      const { tableName } = await newTable();
      const first = await confirmOrder(tableName, 'o-1', 100);
      const again = confirmOrder(tableName, 'o-1', 999);
      await expect(again).rejects.toBeInstanceOf(TransactionCanceledException);
      const outbox = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: `OUTBOX#${first.id}` }, sk: { S: 'EVENT' } },
        }),
      );
      expect(outbox.Item?.eventType).toEqual({ S: 'order.confirmed' });
      expect(JSON.parse(outbox.Item?.event?.S ?? '')).toEqual(first);
      expect(Number(outbox.Item?.expiresAt?.N)).toBe(Math.floor(Date.parse(first.time) / 1000) + 86_400);
      const order = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'ORDER#o-1' },
        }),
      );
      expect(order.Items).toEqual([{ pk: 'ORDER#o-1', sk: 'ORDER', status: 'CONFIRMED', total: 100 }]);
      // The failed transaction left no second outbox item: only one event ever reaches the stream.
      const outboxItems = await documentClient.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'begins_with(pk, :outbox)',
          ExpressionAttributeValues: { ':outbox': 'OUTBOX#' },
        }),
      );
      expect(outboxItems.Items?.map((i) => i.pk)).toEqual([`OUTBOX#${first.id}`]);
    });

    it('relays an outbox insert to the subscriber queues of its type only', async () => {
      const { tableName, streamArn } = await newTable();
      const cart = await createQueue(unique('cart-order-confirmed'));
      const ledger = await createQueue(`${unique('catalog-order-confirmed')}.fifo`);
      const refunds = await createQueue(unique('order-payment-refunded'));
      const { calls } = await startRelay(streamArn, {
        'order.confirmed': [cart, ledger],
        'payment.refunded': [refunds],
      });
      const event = await confirmOrder(tableName, 'o-2', 4200, 'o-2');

      const [cartMessage] = await waitFor(async () => {
        const messages = await receiveAll(cart);
        return messages.length > 0 ? messages : undefined;
      });
      expect(JSON.parse(cartMessage?.Body ?? '')).toEqual(event);
      expect(cartMessage?.MessageAttributes).toEqual({
        eventType: { DataType: 'String', StringValue: 'order.confirmed' },
        correlationId: { DataType: 'String', StringValue: 'corr-o-2' },
      });
      const [ledgerMessage] = await receiveAll(ledger);
      expect(JSON.parse(ledgerMessage?.Body ?? '')).toEqual(event);
      expect(ledgerMessage?.Attributes).toMatchObject({
        MessageGroupId: 'o-2',
        MessageDeduplicationId: event.id,
      });
      expect(await queueDepth(refunds)).toBe(0);
      // The order item's INSERT reached the relay too, and was ignored: one message per queue.
      expect(calls.every((c) => (c.result as DynamoDBBatchResponse).batchItemFailures.length === 0)).toBe(
        true,
      );
      expect(await queueDepth(cart)).toBe(1);
      expect(await queueDepth(ledger)).toBe(1);
    });

    it('logs and skips an event nobody subscribes to', async () => {
      const { tableName, streamArn } = await newTable();
      const info = vi.spyOn(getLogger(), 'info');
      const { calls } = await startRelay(streamArn, { 'order.confirmed': [] });
      const event = await confirmOrder(tableName, 'o-3');
      await waitFor(() => (calls.length > 0 ? true : undefined));
      expect(calls[0]?.result).toEqual({ batchItemFailures: [] });
      expect(info).toHaveBeenCalledWith(
        'outbox event has no subscriber',
        expect.objectContaining({ eventId: event.id, correlationId: 'corr-o-3' }),
      );
    });

    it('retries from the record whose send failed until the queue takes it', async () => {
      const { tableName, streamArn } = await newTable();
      const name = unique('late-queue');
      // The route names a queue that does not exist yet: every send fails until it is created.
      const { calls } = await startRelay(streamArn, { 'order.confirmed': [queueUrlOf(name)] }, 20);
      await confirmOrder(tableName, 'o-4');
      await waitFor(() => (calls.length >= 3 ? true : undefined));
      const firstCall = calls[0];
      const records = (firstCall?.payload as DynamoDBStreamEvent | undefined)?.Records ?? [];
      const outboxRecord = records.find((r) => r.dynamodb?.Keys?.pk?.S?.startsWith('OUTBOX#'));
      expect(firstCall?.result).toEqual({
        batchItemFailures: [{ itemIdentifier: outboxRecord?.dynamodb?.SequenceNumber }],
      });
      const url = await createQueue(name);
      const messages = await waitFor(async () => {
        const received = await receiveAll(url);
        return received.length > 0 ? received : undefined;
      });
      expect(messages).toHaveLength(1);
      expect(JSON.parse(messages[0]?.Body ?? '').data).toEqual({ orderId: 'o-4', total: 4200 });
    });

    it('reports the first record of the batch that could not be sent', async () => {
      const good = await createQueue(unique('good'));
      const relay = createOutboxRelayHandler({
        routes: { 'order.confirmed': [good], 'payment.refunded': [queueUrlOf(unique('missing'))] },
        sqs,
      });
      const record = (sequenceNumber: string, event: EventEnvelope) => ({
        eventName: 'INSERT' as const,
        dynamodb: {
          Keys: { pk: { S: `OUTBOX#${event.id}` }, sk: { S: 'EVENT' } },
          NewImage: {
            pk: { S: `OUTBOX#${event.id}` },
            sk: { S: 'EVENT' },
            event: { S: JSON.stringify(event) },
          },
          SequenceNumber: sequenceNumber,
        },
      });
      const origin = { source: 'test', correlationId: 'c' };
      const result = await relay({
        Records: [
          record('1', createEvent(OrderConfirmed, { orderId: 'a', total: 1 }, origin)),
          record('2', createEvent(PaymentRefunded, { paymentId: 'p' }, origin)),
          record('3', createEvent(OrderConfirmed, { orderId: 'b', total: 2 }, origin)),
        ],
      });
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
      expect(await queueDepth(good)).toBe(2);
    });
  });

  describe('consuming', () => {
    const handled: EventEnvelope[] = [];
    let tableName: string;

    const consumer = (handle: (envelope: EventEnvelope) => Promise<void> = async () => undefined) =>
      createEventConsumer({
        handlers: [
          {
            event: OrderConfirmed,
            handle: async (event, { logger }) => {
              // Typed from the definition: `total` is a number here.
              expect(typeof event.data.total).toBe('number');
              expect(logger).toBeDefined();
              await handle(event);
              handled.push(event);
            },
          },
        ],
        idempotency: { tableName, client },
      });

    const envelopeOf = (orderId: string) =>
      createEvent(
        OrderConfirmed,
        { orderId, total: 1 },
        { source: 'order', correlationId: `corr-${orderId}` },
      );

    beforeAll(async () => {
      ({ tableName } = await newTable());
    });

    afterEach(() => {
      handled.length = 0;
    });

    it('handles a redelivered event once and reports both deliveries as done', async () => {
      const handler = consumer();
      const envelope = envelopeOf('c-1');
      const context = lambdaContext(unique('cart-order-confirmed'));
      expect(await handler({ Records: [sqsRecord(JSON.stringify(envelope))] }, context)).toEqual({
        batchItemFailures: [],
      });
      expect(await handler({ Records: [sqsRecord(JSON.stringify(envelope), 2)] }, context)).toEqual({
        batchItemFailures: [],
      });
      expect(handled.map((e) => e.id)).toEqual([envelope.id]);
      const record = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `IDEMPOTENCY#${context.functionName}` },
        }),
      );
      expect(record.Items).toHaveLength(1);
      expect(record.Items?.[0]).toMatchObject({ status: 'COMPLETED' });
      // Kept about a day, in the attribute the table's TTL deletes by.
      const expiresAt = Number(record.Items?.[0]?.expiresAt);
      expect(expiresAt - Date.now() / 1000).toBeGreaterThan(86_000);
      expect(expiresAt - Date.now() / 1000).toBeLessThanOrEqual(86_401);
    });

    it('keeps separate records per function, so two consumers of one event both handle it', async () => {
      const handler = consumer();
      const envelope = envelopeOf('c-2');
      await handler({ Records: [sqsRecord(JSON.stringify(envelope))] }, lambdaContext(unique('cart')));
      await handler({ Records: [sqsRecord(JSON.stringify(envelope))] }, lambdaContext(unique('catalog')));
      expect(handled.map((e) => e.id)).toEqual([envelope.id, envelope.id]);
    });

    it('fails a concurrent duplicate so that SQS redelivers it, then skips it', async () => {
      const handler = consumer(() => new Promise((resolve) => setTimeout(resolve, 100)));
      const envelope = envelopeOf('c-3');
      const context = lambdaContext(unique('cart'));
      const twins = [sqsRecord(JSON.stringify(envelope)), sqsRecord(JSON.stringify(envelope))];
      // The batch's records run in parallel: whichever comes second finds the first one in progress.
      const { batchItemFailures } = await handler({ Records: twins }, context);
      expect(batchItemFailures).toHaveLength(1);
      const redelivered = twins.find((r) => r.messageId === batchItemFailures[0]?.itemIdentifier);
      expect(redelivered).toBeDefined();
      expect(await handler({ Records: redelivered ? [redelivered] : [] }, context)).toEqual({
        batchItemFailures: [],
      });
      expect(handled).toHaveLength(1);
    });

    it('reports only the failed message of a batch, and handles it on redelivery', async () => {
      let failing = true;
      const handler = consumer(async (envelope) => {
        if (failing && (envelope.data as { orderId: string }).orderId === 'c-5') {
          throw new Error('downstream unavailable');
        }
      });
      const context = lambdaContext(unique('cart'));
      const records = ['c-4', 'c-5', 'c-6'].map((id) => sqsRecord(JSON.stringify(envelopeOf(id))));
      const result = await handler({ Records: records }, context);
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.messageId }] });
      failing = false;
      // SQS redelivers the whole batch's failure only; a full redelivery would also be harmless.
      expect(await handler({ Records: records }, context)).toEqual({ batchItemFailures: [] });
      expect(handled.map((e) => (e.data as { orderId: string }).orderId).sort()).toEqual([
        'c-4',
        'c-5',
        'c-6',
      ]);
    });

    it.each([
      ['a body that is not JSON', () => 'not json'],
      ['a body that is not an envelope', () => JSON.stringify({ hello: 'world' })],
      [
        'an event type it does not consume',
        () =>
          JSON.stringify(
            createEvent(PaymentRefunded, { paymentId: 'p-1' }, { source: 'payment', correlationId: 'c' }),
          ),
      ],
      [
        'data that fails the definition',
        () => JSON.stringify({ ...envelopeOf('c-7'), data: { orderId: '' } }),
      ],
    ])('reports %s as a failure and logs it as an error', async (_, body) => {
      const error = vi.spyOn(getLogger(), 'error');
      const handler = consumer();
      const poison = sqsRecord(body());
      const fine = sqsRecord(JSON.stringify(envelopeOf(unique('c'))));
      const result = await handler({ Records: [poison, fine] }, lambdaContext(unique('cart')));
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
      expect(error).toHaveBeenCalledWith(
        expect.stringMatching(/poison message/),
        expect.objectContaining({ messageId: poison.messageId }),
      );
      expect(handled).toHaveLength(1);
    });

    it('lets a poison message reach the dead-letter queue after maxReceiveCount receives', async () => {
      const dlqName = unique('cart-dlq');
      const dlq = await createQueue(dlqName);
      const queueName = unique('cart');
      await createQueue(queueName, {
        // Short, so the failed message comes back soon; long enough that no message is in two batches at once.
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: engine.queueArn(dlqName), maxReceiveCount: 2 }),
      });
      const functionName = unique('cart-consumer');
      const calls: { name: string; payload: unknown; result: unknown }[] = [];
      const source = startSqsEventSource({
        engine,
        queueName,
        functionName,
        invoker: inProcessInvoker({ [functionName]: consumer() as InProcessHandler }, calls),
      });
      cleanup.push(() => source.stop());
      const good = envelopeOf(unique('c'));
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrlOf(queueName), MessageBody: '{"broken":' }));
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrlOf(queueName), MessageBody: JSON.stringify(good) }),
      );
      const [dead] = await waitFor(async () => {
        const messages = await receiveAll(dlq);
        return messages.length > 0 ? messages : undefined;
      });
      expect(dead?.Body).toBe('{"broken":');
      await waitFor(async () => ((await queueDepth(queueUrlOf(queueName))) === 0 ? true : undefined));
      expect(handled.map((e) => e.id)).toEqual([good.id]);
      expect(await receiveAll(dlq)).toEqual([]);
      const poisonDeliveries = calls.filter((c) =>
        (c.payload as SQSEvent).Records.some((r) => r.body === '{"broken":'),
      );
      expect(poisonDeliveries).toHaveLength(2);
    });
  });

  describe('end to end in the local Lambda host', () => {
    let host: LambdaHost;
    let outDir: string;
    const lines: string[] = [];

    beforeAll(async () => {
      outDir = mkdtempSync(join(tmpdir(), 'shop-messaging-'));
      host = createLambdaHost({
        baseEnvironment: {
          AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
          AWS_ENDPOINT_URL_SQS: edge.url,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          LOG_LEVEL: 'WARN',
        },
        log: (line) => lines.push(line),
      });
    });

    afterAll(async () => {
      await host?.close();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    it('delivers a committed order confirmation to its consumer exactly once', async () => {
      const { tableName, streamArn } = await newTable();
      const queueName = unique('cart-order-confirmed');
      const queueUrl = await createQueue(queueName);
      const fixture = (file: string) => new URL(`./fixtures/${file}`, import.meta.url).pathname;
      const specs: FunctionSpec[] = [
        {
          name: 'order-outbox-relay',
          entry: fixture('outbox-relay.handler.ts'),
          handler: 'handler',
          memoryMb: 256,
          timeoutSeconds: 10,
          environment: {
            SERVICE_NAME: 'order',
            EVENT_ROUTES: JSON.stringify({ 'order.confirmed': [queueUrl] }),
          },
        },
        {
          name: 'cart-order-confirmed',
          entry: fixture('order-confirmed.consumer.ts'),
          handler: 'handler',
          memoryMb: 256,
          timeoutSeconds: 10,
          environment: { SERVICE_NAME: 'cart', TABLE_NAME: tableName },
        },
      ];
      const { bundles } = await bundleFunctions(specs, outDir);
      for (const spec of specs) host.register(spec, bundles[spec.name] ?? '');
      const streamSource = startStreamEventSource({
        streamsClient,
        streamArn,
        functionName: 'order-outbox-relay',
        invoker: host,
        region: REGION,
      });
      cleanup.push(() => streamSource.stop());
      const queueSource = startSqsEventSource({
        engine,
        queueName,
        functionName: 'cart-order-confirmed',
        invoker: host,
      });
      cleanup.push(() => queueSource.stop());
      await streamSource.ready;

      const handledItem = (orderId: string) =>
        client
          .send(
            new GetItemCommand({
              TableName: tableName,
              Key: { pk: { S: `HANDLED#${orderId}` }, sk: { S: 'COUNT' } },
              ConsistentRead: true,
            }),
          )
          .then((r) => r.Item);

      // Warm both functions (cold starts are measured elsewhere), then time a second order.
      await confirmOrder(tableName, 'e-warm');
      await waitFor(() => handledItem('e-warm'), 20_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${lines.join('\n')}`);
      });
      const started = performance.now();
      const event = await confirmOrder(tableName, 'e-1', 7300);
      const item = await waitFor(() => handledItem('e-1'));
      const elapsed = performance.now() - started;
      console.info(`order committed -> consumer handled: ${elapsed.toFixed(0)} ms`);
      expect(item).toMatchObject({ handled: { N: '1' }, eventId: { S: event.id }, total: { N: '7300' } });

      // The same event delivered again (a relay retry, an at-least-once redelivery) changes nothing.
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
      await waitFor(async () => ((await queueDepth(queueUrl)) === 0 ? true : undefined));
      expect((await handledItem('e-1'))?.handled).toEqual({ N: '1' });
      expect(lines.filter((line) => line.includes('"level":"ERROR"'))).toEqual([]);
    });
  });
});
