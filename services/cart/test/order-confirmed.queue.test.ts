import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { OrderConfirmed } from '@shop/contracts/order';
import { startEdge } from '@shop/local-cloud';
// The local runtime's SQS emulator and Lambda host are not part of the package's public exports.
import {
  bundleFunctions,
  createLambdaHost,
  createSqsEdgeHandler,
  type LambdaHost,
  SqsEngine,
  startSqsEventSource,
  startTestDynamoDb,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestDynamoDb,
} from '@shop/local-cloud/testing';
import { createEvent } from '@shop/platform/outbox';
import { functionEnvironment, queueNameOf } from '@shop/platform/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerOwner } from '../src/domain/cart-owner.ts';
import { DynamoDbCartRepository } from '../src/infrastructure/dynamodb-cart.repository.ts';
import cartService from '../src/service.ts';

const POLL = { timeout: 20_000, interval: 20 } as const;

describe('order.confirmed through the local queue and Lambda host', () => {
  let db: TestDynamoDb;
  let engine: SqsEngine;
  let edge: Awaited<ReturnType<typeof startEdge>>;
  let sqs: SQSClient;
  let host: LambdaHost;
  let outDir: string;
  const logs: string[] = [];
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await startTestDynamoDb([cartService]);
    engine = new SqsEngine();
    edge = await startEdge([createSqsEdgeHandler(engine)]);
    sqs = new SQSClient({ endpoint: edge.url, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    outDir = mkdtempSync(join(tmpdir(), 'shop-cart-queue-'));
    host = createLambdaHost({
      baseEnvironment: {
        AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      log: (line) => logs.push(line),
    });
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await host?.close();
    sqs?.destroy();
    engine?.close();
    await edge?.close();
    await db?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('empties the buyer cart when an order.confirmed envelope is sent to the queue, once', async () => {
    const fn = cartService.functions.find((f) => f.id === 'orderConfirmed');
    if (!fn) throw new Error('no orderConfirmed function');
    const tableName = db.tableName('cart');
    // The bundle and environment both runtimes give the function.
    const spec = {
      name: fn.name,
      entry: fn.entry,
      handler: fn.handler,
      memoryMb: fn.memoryMb,
      timeoutSeconds: fn.timeoutSeconds,
      environment: functionEnvironment(cartService, fn, {
        tableName,
        auth: { issuer: 'https://shop.test', audience: 'shop', jwksUrl: 'https://shop.test/jwks.json' },
        logLevel: 'WARN',
      }),
    };
    const { bundles } = await bundleFunctions([spec], outDir);
    host.register(spec, bundles[spec.name] ?? '');
    const queueName = queueNameOf(fn);
    engine.createQueue(queueName);
    const source = startSqsEventSource({ engine, queueName, functionName: fn.name, invoker: host });
    stops.push(() => source.stop());

    const carts = new DynamoDbCartRepository(db.documentClient, tableName);
    const owner = customerOwner('queue-customer');
    const line = { sku: 'TEE-M-BLK', quantity: 2, addedAt: new Date().toISOString() };
    await carts.setLine(owner, line, { now: new Date(), newCartId: crypto.randomUUID(), maxLines: 50 });

    const event = createEvent(
      OrderConfirmed,
      {
        orderId: 'order-queue-1',
        customerId: 'queue-customer',
        lines: [{ sku: 'TEE-M-BLK', quantity: 2 }],
        total: { amount: 3800, currency: 'USD' },
      },
      { source: 'order', correlationId: 'corr-queue' },
    );
    const queueUrl = `${edge.url}/000000000000/${queueName}`;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));

    await expect
      .poll(async () => (await carts.find(owner, new Date()))?.lines.length, POLL)
      .toBe(0)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\nthe function logged:\n${logs.join('\n')}`);
      });
    expect((await carts.find(owner, new Date()))?.version).toBe(2);

    // A new line, then the same event again: the consumer's dedupe leaves the new line alone.
    await carts.setLine(owner, line, { now: new Date(), newCartId: crypto.randomUUID(), maxLines: 50 });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
    await expect
      .poll(async () => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const depth =
          Number(Attributes?.ApproximateNumberOfMessages) +
          Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
        return depth;
      }, POLL)
      .toBe(0);
    expect((await carts.find(owner, new Date()))?.lines).toEqual([line]);
    expect(logs.filter((l) => l.includes('"level":"ERROR"'))).toEqual([]);
  });
});
