import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createSqsEdgeHandler } from './sqs.edge.ts';
import { SqsEngine } from './sqs.engine.ts';
import { createLocalSqsEdgeHandler, localQueueMessagesPath } from './sqs-local.edge.ts';

let engine: SqsEngine;
let edge: StartedServer;
let sqs: SQSClient;

beforeAll(async () => {
  engine = new SqsEngine();
  edge = await startEdge([createSqsEdgeHandler(engine), createLocalSqsEdgeHandler(engine)]);
  sqs = new SQSClient({
    endpoint: edge.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  sqs.destroy();
  engine.close();
  await edge.close();
});

const peek = async (name: string, query = '') => {
  const response = await fetch(`${edge.url}${localQueueMessagesPath(name)}${query}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
};

describe('the local SQS peek', () => {
  it('lists messages with their state and receive count, and looking counts as no receive', async () => {
    const dlq = engine.createQueue('peeked-dlq');
    engine.createQueue('peeked', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const QueueUrl = `${edge.url}/000000000000/peeked`;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'poison',
        MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: Uint8Array.of(1, 2, 3) } },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 60 }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
    const { Messages: [second] = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30 }),
    );

    const first = await peek('peeked');
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/json');
    expect(first.body).toMatchObject({
      queue: 'peeked',
      region: 'us-east-1',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:peeked',
      messages: [
        {
          Body: 'poison',
          State: 'IN_FLIGHT',
          VisibleAt: expect.any(Number),
          Attributes: { ApproximateReceiveCount: '2' },
          MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: 'AQID' } },
        },
        { Body: 'later', State: 'DELAYED', Attributes: { ApproximateReceiveCount: '0' } },
      ],
    });
    expect((await peek('peeked')).body).toEqual(first.body);

    // The third receive moves it to the DLQ; looking at the DLQ leaves its count as it was.
    engine.changeMessageVisibility('peeked', second?.ReceiptHandle ?? '', 0);
    expect(await engine.receiveMessages('peeked')).toEqual([]);
    for (let i = 0; i < 3; i++) {
      const dead = await peek('peeked-dlq');
      expect((dead.body as { messages: unknown }).messages).toEqual([
        expect.objectContaining({
          Body: 'poison',
          State: 'VISIBLE',
          Attributes: expect.objectContaining({
            ApproximateReceiveCount: '2',
            DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:000000000000:peeked',
          }),
        }),
      ]);
    }
  });

  it('answers problems for an unknown queue, a bad limit, another method or path', async () => {
    expect(await peek('nowhere')).toMatchObject({
      status: 404,
      type: 'application/problem+json',
      body: { status: 404, title: 'Queue not found' },
    });
    engine.createQueue('limited');
    expect((await peek('limited', '?limit=0')).status).toBe(400);
    expect((await peek('limited', '?region=eu-west-1')).status).toBe(404);
    const posted = await fetch(`${edge.url}${localQueueMessagesPath('limited')}`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET');
    expect((await fetch(`${edge.url}/_local/sqs/elsewhere`)).status).toBe(404);
  });
});
