import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { OrderConfirmed } from '@shop/contracts/order';
import {
  createSqsEdgeHandler,
  SqsEngine,
  type StartedServer,
  startEdge,
  TEST_CREDENTIALS,
  TEST_REGION,
} from '@shop/local-cloud/testing';
import { captureOutput, metricValuesOf } from '@shop/platform/observability/testing';
import { createEvent, outboxPut } from '@shop/platform/outbox';
import { createOutboxRelayHandler } from '@shop/platform/relay';
import type { AttributeValue, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The order service's relay (src/handlers/outbox-relay.ts) against the local SQS, with a stream
// record built as DynamoDB Streams delivers an outbox INSERT.

let edge: StartedServer;
let sqs: SQSClient;

beforeAll(async () => {
  edge = await startEdge([createSqsEdgeHandler(new SqsEngine())]);
  sqs = new SQSClient({ endpoint: edge.url, region: TEST_REGION, credentials: TEST_CREDENTIALS });
});
afterAll(async () => {
  sqs.destroy();
  await edge.close();
});

const streamEventOf = (item: Record<string, unknown>): DynamoDBStreamEvent => {
  const image: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) {
    image[name] = typeof value === 'number' ? { N: String(value) } : { S: String(value) };
  }
  return {
    Records: [
      {
        eventID: 'e-1',
        eventName: 'INSERT',
        dynamodb: {
          Keys: { pk: image.pk as AttributeValue, sk: image.sk as AttributeValue },
          NewImage: image,
          SequenceNumber: '100',
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
    ],
  };
};

describe('outbox relay logs and metrics', () => {
  it('sends the correlation id as a message attribute, logs the batch with the ids and records the relay lag', async () => {
    const queue = await sqs.send(
      new CreateQueueCommand({ QueueName: `cart-order-confirmed-${crypto.randomUUID()}` }),
    );
    const queueUrl = queue.QueueUrl ?? '';
    const written = new Date(Date.now() - 250);
    const event = createEvent(
      OrderConfirmed,
      {
        orderId: 'ord_relay_1',
        customerId: 'alice',
        lines: [{ sku: 'SKU-1', quantity: 1 }],
        total: { amount: 1000, currency: 'USD' },
      },
      { source: 'order', correlationId: 'dx-corr-0002' },
      written,
    );
    const item = outboxPut('shop-order', event).Put?.Item ?? {};
    const relay = createOutboxRelayHandler({ routes: { 'order.confirmed': [queueUrl] }, sqs });
    const { result, logs, emf } = await captureOutput(() => relay(streamEventOf(item)));
    expect(result).toEqual({ batchItemFailures: [] });

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    expect(received.Messages?.[0]?.MessageAttributes?.correlationId?.StringValue).toBe('dx-corr-0002');

    expect(logs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'outbox batch relayed',
        outcome: 'succeeded',
        events: 1,
        correlationId: 'dx-corr-0002',
        orderId: 'ord_relay_1',
        durationMs: expect.any(Number),
      }),
    ]);
    const [lag] = metricValuesOf(emf);
    expect(lag).toMatchObject({ name: 'OutboxRelayLag', unit: 'Milliseconds', namespace: 'Shop' });
    expect(lag?.value).toBeGreaterThanOrEqual(250);
  });
});
