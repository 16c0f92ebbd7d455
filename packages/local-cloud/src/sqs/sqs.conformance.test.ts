import { createHash } from 'node:crypto';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidBatchEntryId,
  InvalidMessageContents,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  type MessageAttributeValue,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createSqsEdgeHandler } from './sqs.edge.ts';
import { SqsEngine } from './sqs.engine.ts';

let engine: SqsEngine;
let edge: StartedServer;
let sqs: SQSClient;
let counter = 0;

const uniqueName = (base: string): string => `${base}-${++counter}`;

const createQueue = async (base: string, attributes: Record<string, string> = {}): Promise<string> => {
  const fifo = base.endsWith('.fifo');
  const name = fifo ? `${uniqueName(base.slice(0, -5))}.fifo` : uniqueName(base);
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { ...(fifo ? { FifoQueue: 'true' } : {}), ...attributes },
    }),
  );
  if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
  return QueueUrl;
};

const queueArn = async (QueueUrl: string): Promise<string> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? '';
};

const attribute = async (QueueUrl: string, name: string): Promise<string | undefined> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [name as 'All'] }),
  );
  return (Attributes as Record<string, string> | undefined)?.[name];
};

const receive = (
  QueueUrl: string,
  options: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) =>
  sqs
    .send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], ...options }))
    .then((r) => r.Messages ?? []);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  engine = new SqsEngine();
  edge = await startEdge([createSqsEdgeHandler(engine)]);
  sqs = new SQSClient({
    endpoint: edge.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sqs.destroy();
  engine.close();
  await edge.close();
});

describe('queues', () => {
  it('creates a queue whose URL points at the request host and whose ARN names the account', async () => {
    const url = await createQueue('orders');
    expect(url).toMatch(new RegExp(`^${edge.url}/000000000000/orders-\\d+$`));
    const name = url.split('/').at(-1) ?? '';
    expect(await queueArn(url)).toBe(`arn:aws:sqs:us-east-1:000000000000:${name}`);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    expect(QueueUrl).toBe(url);
  });

  it('returns the same queue for a repeated create with the same attributes and refuses different ones', async () => {
    const name = uniqueName('idempotent');
    const first = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10' } }),
    );
    const again = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10' } }),
    );
    expect(again.QueueUrl).toBe(first.QueueUrl);
    await expect(
      sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '11' } })),
    ).rejects.toBeInstanceOf(QueueNameExists);
  });

  it('answers QueueDoesNotExist with the JSON error shape and query-error header of AWS', async () => {
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
    const response = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      body: JSON.stringify({ QueueName: 'nope' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(await response.json()).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });

  it('accepts queue URLs with any host and the queue URL as the request path', async () => {
    const url = await createQueue('hosts');
    const foreign = url.replace(edge.url, 'http://sqs.us-east-1.localhost.example:4566');
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: foreign, MessageBody: 'via foreign host' }),
    );
    expect(sent.MessageId).toBeTruthy();
    const path = new URL(url).pathname;
    const response = await fetch(`${edge.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: JSON.stringify({}),
    });
    const body = (await response.json()) as { Messages: { Body: string }[] };
    expect(body.Messages[0]?.Body).toBe('via foreign host');
  });

  it('lists queues by prefix and pages them with MaxResults and NextToken', async () => {
    const prefix = uniqueName('listing');
    for (const suffix of ['a', 'b', 'c']) {
      await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${suffix}` }));
    }
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    expect(all.QueueUrls?.map((u) => u.split('/').at(-1))).toEqual([
      `${prefix}-a`,
      `${prefix}-b`,
      `${prefix}-c`,
    ]);
    expect(all.NextToken).toBeUndefined();
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
    expect(page1.QueueUrls).toHaveLength(2);
    expect(page1.NextToken).toBeTruthy();
    const page2 = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: page1.NextToken }),
    );
    expect(page2.QueueUrls?.map((u) => u.split('/').at(-1))).toEqual([`${prefix}-c`]);
    expect(page2.NextToken).toBeUndefined();
  });

  it('reports every attribute with All, with AWS defaults and live message counts', async () => {
    const url = await createQueue('attrs');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'visible' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 60 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
    await receive(url);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      VisibilityTimeout: '30',
      DelaySeconds: '0',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      QueueArn: await queueArn(url),
    });
    expect(Number(Attributes?.CreatedTimestamp)).toBeCloseTo(Date.now() / 1000, -1);
    expect(Attributes?.FifoQueue).toBeUndefined();
  });

  it('changes attributes, refuses unknown names and out-of-range values', async () => {
    const url = await createQueue('settable');
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: { VisibilityTimeout: '5', DelaySeconds: '2' },
      }),
    );
    expect(await attribute(url, 'VisibilityTimeout')).toBe('5');
    expect(await attribute(url, 'DelaySeconds')).toBe('2');
    await expect(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '43201' } })),
    ).rejects.toBeInstanceOf(InvalidAttributeValue);
    await expect(
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: url,
          Attributes: { Colour: 'blue' } as Record<string, string>,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidAttributeName);
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Colour' as 'All'] })),
    ).rejects.toBeInstanceOf(InvalidAttributeName);
    await expect(
      sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ContentBasedDeduplication: 'true' } }),
      ),
    ).rejects.toBeInstanceOf(InvalidAttributeName);
  });

  it('keeps tags given at creation', async () => {
    const name = uniqueName('tagged');
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: name, tags: { team: 'orders' } }),
    );
    const { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl }));
    expect(Tags).toEqual({ team: 'orders' });
  });

  it('deletes a queue', async () => {
    const url = await createQueue('doomed');
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('purges every message, then refuses a second purge within 60 seconds', async () => {
    const url = await createQueue('purged');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await receive(url)).toEqual([]);
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toBeInstanceOf(
      PurgeQueueInProgress,
    );
  });
});

describe('messages', () => {
  it('sends, receives and deletes a message with checksums the SDK verifies', async () => {
    const url = await createQueue('roundtrip');
    const body = 'héllo wörld 👋';
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body, 'utf8').digest('hex'));
    const [message] = await receive(url);
    expect(message?.Body).toBe(body);
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: 'AKIDLOCAL' });
    expect(Number(message?.Attributes?.SentTimestamp)).toBeLessThanOrEqual(Date.now());
    expect(Number(message?.Attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(
      Number(message?.Attributes?.SentTimestamp),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
    expect(await attribute(url, 'ApproximateNumberOfMessagesNotVisible')).toBe('0');
    expect(await attribute(url, 'ApproximateNumberOfMessages')).toBe('0');
  });

  it('computes MD5OfMessageAttributes exactly as AWS documents it, for every data type', async () => {
    const url = await createQueue('md5');
    // Reference digests published for AWS's algorithm (independent of this implementation).
    const cases: { attributes: Record<string, MessageAttributeValue>; md5: string }[] = [
      {
        attributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } },
        md5: '19e27d4e946b072f3f58da80d94fd778',
      },
      {
        attributes: {
          customNumberTypeAttrib: {
            DataType: 'Number.float',
            StringValue: '4563442423554324324264524243.32543234',
          },
        },
        md5: '9fe1b90bbd9965bdf77bac517c7d2495',
      },
      {
        attributes: {
          binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
        },
        md5: '31a92b15d92f8db860eda32aceb656c3',
      },
      {
        attributes: {
          attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
          customNumberTypeAttrib: {
            DataType: 'Number.float',
            StringValue: '4563442423554324324264524243.32543234',
          },
          binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
        },
        md5: 'c932db14a896c663f83c260297d594ff',
      },
    ];
    for (const { attributes, md5 } of cases) {
      const sent = await sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'm', MessageAttributes: attributes }),
      );
      expect(sent.MD5OfMessageAttributes).toBe(md5);
      const [message] = await receive(url, { MessageAttributeNames: ['All'] });
      expect(message?.MD5OfMessageAttributes).toBe(md5);
      expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual(Object.keys(attributes).sort());
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
    }
  });

  it('round-trips String, Number, Binary and custom-typed attributes and filters them by name', async () => {
    const url = await createQueue('attributes');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'typed',
        MessageAttributes: {
          'order.id': { DataType: 'String', StringValue: 'o-1' },
          'order.total': { DataType: 'Number', StringValue: '12.50' },
          payload: { DataType: 'Binary', BinaryValue: Uint8Array.of(0, 1, 2, 255) },
          schema: { DataType: 'String.json', StringValue: '{"v":1}' },
        },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
      }),
    );
    const [all] = await receive(url, { MessageAttributeNames: ['All'], VisibilityTimeout: 0 });
    expect(all?.MessageAttributes?.payload?.BinaryValue).toEqual(Uint8Array.of(0, 1, 2, 255));
    expect(all?.MessageAttributes?.['order.total']).toEqual({ DataType: 'Number', StringValue: '12.50' });
    expect(all?.MessageAttributes?.schema?.DataType).toBe('String.json');
    expect(all?.Attributes?.AWSTraceHeader).toBe('Root=1-abc');
    const [prefixed] = await receive(url, { MessageAttributeNames: ['order.*'], VisibilityTimeout: 0 });
    expect(Object.keys(prefixed?.MessageAttributes ?? {}).sort()).toEqual(['order.id', 'order.total']);
    const [exact] = await receive(url, { MessageAttributeNames: ['schema'], VisibilityTimeout: 0 });
    expect(Object.keys(exact?.MessageAttributes ?? {})).toEqual(['schema']);
    const [none] = await receive(url, {
      VisibilityTimeout: 0,
      MessageSystemAttributeNames: ['SentTimestamp'],
    });
    expect(none?.MessageAttributes).toBeUndefined();
    expect(Object.keys(none?.Attributes ?? {})).toEqual(['SentTimestamp']);
  });

  it("keeps a traced sender's X-Amzn-Trace-Id as the message's AWSTraceHeader, unless it set one itself", async () => {
    const url = await createQueue('traced');
    const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    // Inside a Lambda function the SDK sends its _X_AMZN_TRACE_ID as X-Amzn-Trace-Id.
    const saved = { name: process.env.AWS_LAMBDA_FUNCTION_NAME, trace: process.env._X_AMZN_TRACE_ID };
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'sender';
    process.env._X_AMZN_TRACE_ID = header;
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'traced' }));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'own header',
          MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-own' } },
        }),
      );
    } finally {
      for (const [variable, value] of [
        ['AWS_LAMBDA_FUNCTION_NAME', saved.name],
        ['_X_AMZN_TRACE_ID', saved.trace],
      ] as const) {
        if (value === undefined) delete process.env[variable];
        else process.env[variable] = value;
      }
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'untraced' }));
    const messages = await receive(url, {
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['AWSTraceHeader'],
    });
    const traceOf = (body: string) => messages.find((m) => m.Body === body)?.Attributes?.AWSTraceHeader;
    expect(traceOf('traced')).toBe(header);
    expect(traceOf('own header')).toBe('Root=1-own');
    expect(traceOf('untraced')).toBeUndefined();
  });

  it('refuses invalid attributes and invalid body characters', async () => {
    const url = await createQueue('invalid');
    const invalid: Record<string, MessageAttributeValue>[] = [
      { 'AWS.reserved': { DataType: 'String', StringValue: 'x' } },
      { n: { DataType: 'Number', StringValue: 'twelve' } },
      { s: { DataType: 'Strung', StringValue: 'x' } },
      { s: { DataType: 'String' } },
    ];
    for (const MessageAttributes of invalid) {
      const failure = sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes }),
      );
      await expect(failure).rejects.toBeInstanceOf(SQSServiceException);
      await expect(failure).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    }
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bell \u0007' })),
    ).rejects.toBeInstanceOf(InvalidMessageContents);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' }))).rejects.toMatchObject({
      name: 'MissingParameter',
    });
  });

  it('refuses messages over MaximumMessageSize (body plus attributes)', async () => {
    const url = await createQueue('sized', { MaximumMessageSize: '262144' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(262_144) }));
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(262_145) })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('262144 bytes'),
    });
    await expect(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x'.repeat(262_140),
          MessageAttributes: { a: { DataType: 'String', StringValue: 'yy' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const roomy = await createQueue('default-size');
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: roomy, MessageBody: 'x'.repeat(1_048_577) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('re-delivers a message after its visibility timeout with a new handle and a higher receive count', async () => {
    const url = await createQueue('visibility', { VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const [first] = await receive(url);
    expect(await receive(url)).toEqual([]);
    const [second] = await receive(url, { WaitTimeSeconds: 3 });
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    // AWS deletes with an earlier handle of a standard queue's message too (see SqsMessageStore.delete).
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
    expect(await attribute(url, 'ApproximateNumberOfMessagesNotVisible')).toBe('0');
    // A handle of a message already deleted succeeds and does nothing.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
    expect(await attribute(url, 'ApproximateNumberOfMessages')).toBe('0');
  });

  it('changes visibility with the latest or an earlier handle, and answers 200 once the timeout has ended', async () => {
    const url = await createQueue('change-visibility');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'flip' }));
    const [message] = await receive(url);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [again] = await receive(url, { VisibilityTimeout: 0 });
    expect(again?.MessageId).toBe(message?.MessageId);
    // Its timeout has ended: AWS answers 200; the message stays visible.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: again?.ReceiptHandle,
        VisibilityTimeout: 10,
      }),
    );
    expect(await attribute(url, 'ApproximateNumberOfMessages')).toBe('1');
    const [third] = await receive(url);
    expect(third?.Attributes?.ApproximateReceiveCount).toBe('3');
    // The first receive's handle still reaches the message received twice since.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(await attribute(url, 'ApproximateNumberOfMessages')).toBe('1');
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: 'garbage',
          VisibilityTimeout: 10,
        }),
      ),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third?.ReceiptHandle }));
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: third?.ReceiptHandle,
          VisibilityTimeout: 10,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining(
        'Message does not exist or is not available for visibility timeout change',
      ),
    });
  });

  it('wakes a long poll as soon as a message is sent', async () => {
    const url = await createQueue('long-poll');
    const started = performance.now();
    const polling = receive(url, { WaitTimeSeconds: 10 });
    await sleep(150);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    const messages = await polling;
    const elapsed = performance.now() - started;
    expect(messages.map((m) => m.Body)).toEqual(['wake up']);
    expect(elapsed).toBeLessThan(2000);
  });

  it('waits the queue default ReceiveMessageWaitTimeSeconds on an empty queue', async () => {
    const url = await createQueue('waiting', { ReceiveMessageWaitTimeSeconds: '1' });
    const started = performance.now();
    expect(await receive(url)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('delays delivery by the per-message and queue DelaySeconds', async () => {
    const url = await createQueue('delay');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    expect(await receive(url)).toEqual([]);
    expect(await attribute(url, 'ApproximateNumberOfMessagesDelayed')).toBe('1');
    const started = performance.now();
    const [message] = await receive(url, { WaitTimeSeconds: 5 });
    expect(message?.Body).toBe('later');
    expect(performance.now() - started).toBeLessThan(1500);
    const delayedQueue = await createQueue('queue-delay', { DelaySeconds: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: delayedQueue, MessageBody: 'queued' }));
    expect(await receive(delayedQueue)).toEqual([]);
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('returns at most MaxNumberOfMessages and refuses values outside 1 to 10', async () => {
    const url = await createQueue('max');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })),
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'eleventh' }));
    expect(await receive(url, { MaxNumberOfMessages: 10 })).toHaveLength(10);
    await expect(receive(url, { MaxNumberOfMessages: 11 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(receive(url, { WaitTimeSeconds: 21 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });
});

describe('dead-letter queues', () => {
  it('moves a message to the DLQ on the receive that would exceed maxReceiveCount, keeping body and attributes', async () => {
    const dlq = await createQueue('dlq');
    const dlqArn = await queueArn(dlq);
    const source = await createQueue('with-dlq', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
    });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: source,
        MessageBody: 'poison',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'bad' } },
      }),
    );
    expect(await receive(source, { VisibilityTimeout: 0 })).toHaveLength(1);
    expect(await receive(source, { VisibilityTimeout: 0 })).toHaveLength(1);
    expect(await receive(source, { VisibilityTimeout: 0 })).toEqual([]);
    const [dead] = await receive(dlq, { MessageAttributeNames: ['All'], VisibilityTimeout: 0 });
    expect(dead?.Body).toBe('poison');
    expect(dead?.MessageAttributes?.kind?.StringValue).toBe('bad');
    expect(dead?.Attributes?.DeadLetterQueueSourceArn).toBe(await queueArn(source));

    const { queueUrls } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    expect(queueUrls).toEqual([source]);

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(TaskHandle).toBeTruthy();
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(Results?.[0]).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1 });
    const [redriven] = await receive(source);
    expect(redriven?.Body).toBe('poison');
    expect(redriven?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('refuses a redrive policy whose target does not exist and a move task from a queue that is no DLQ', async () => {
    const url = await createQueue('bad-redrive');
    await expect(
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: url,
          Attributes: {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:missing',
              maxReceiveCount: 3,
            }),
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: await queueArn(url) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:missing' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('FIFO queues', () => {
  it('requires FifoQueue with a .fifo name and a MessageGroupId on send', async () => {
    await expect(
      sqs.send(new CreateQueueCommand({ QueueName: uniqueName('plain.fifo') })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    const url = await createQueue('strict.fifo');
    expect(await attribute(url, 'FifoQueue')).toBe('true');
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })),
    ).rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageGroupId: 'g',
          MessageDeduplicationId: 'd',
          DelaySeconds: 5,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('delivers in order within a group and holds a group while one of its messages is in flight', async () => {
    const url = await createQueue('ordered.fifo', { ContentBasedDeduplication: 'true' });
    for (const body of ['a1', 'b1', 'a2', 'b2', 'a3']) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: body.slice(0, 1) }),
      );
    }
    const first = await receive(url, { MaxNumberOfMessages: 2 });
    expect(first.map((m) => m.Body)).toEqual(['a1', 'b1']);
    // Both groups are in flight: nothing else may be delivered.
    expect(await receive(url, { MaxNumberOfMessages: 10 })).toEqual([]);
    const a1 = first[0];
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a1?.ReceiptHandle }));
    const next = await receive(url, { MaxNumberOfMessages: 10 });
    expect(next.map((m) => m.Body)).toEqual(['a2', 'a3']);
    expect(next.map((m) => m.Attributes?.MessageGroupId)).toEqual(['a', 'a']);
    const numbers = [...first, ...next].map((m) => m.Attributes?.SequenceNumber ?? '');
    for (const n of numbers) expect(n).toMatch(/^\d{20}$/);
    expect(BigInt(numbers[2] ?? '0')).toBeGreaterThan(BigInt(numbers[0] ?? '0'));
    expect(BigInt(numbers[3] ?? '0')).toBeGreaterThan(BigInt(numbers[2] ?? '0'));
  });

  it('de-duplicates by MessageDeduplicationId, returning the original MessageId', async () => {
    const url = await createQueue('dedup.fifo');
    const first = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'one',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'same',
      }),
    );
    const duplicate = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'two',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'same',
      }),
    );
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    expect(duplicate.MessageId).toBe(first.MessageId);
    const messages = await receive(url, { MaxNumberOfMessages: 10 });
    expect(messages.map((m) => m.Body)).toEqual(['one']);
    expect(messages[0]?.Attributes?.MessageDeduplicationId).toBe('same');
  });

  it('de-duplicates by the SHA-256 of the body with ContentBasedDeduplication', async () => {
    const url = await createQueue('content.fifo', { ContentBasedDeduplication: 'true' });
    const first = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'same body', MessageGroupId: 'g' }),
    );
    const again = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'same body', MessageGroupId: 'g' }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'other body', MessageGroupId: 'g' }));
    expect(again.MessageId).toBe(first.MessageId);
    const messages = await receive(url, { MaxNumberOfMessages: 10 });
    expect(messages.map((m) => m.Body)).toEqual(['same body', 'other body']);
    expect(messages[0]?.Attributes?.MessageDeduplicationId).toBe(
      createHash('sha256').update('same body', 'utf8').digest('hex'),
    );
  });

  it('refuses a delete with a receipt handle whose visibility timeout has expired', async () => {
    const url = await createQueue('expired.fifo', { ContentBasedDeduplication: 'true' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }));
    const [message] = await receive(url, { VisibilityTimeout: 0 });
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('batch APIs', () => {
  it('reports per-entry success and failure for SendMessageBatch', async () => {
    const url = await createQueue('batch');
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          {
            Id: 'ok',
            MessageBody: 'fine',
            MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } },
          },
          { Id: 'bad_chars', MessageBody: 'nul \u0000' },
          { Id: 'too-late', MessageBody: 'x', DelaySeconds: 1000 },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id)).toEqual(['ok']);
    expect(result.Successful?.[0]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(result.Failed).toEqual([
      { Id: 'bad_chars', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.any(String) },
      { Id: 'too-late', SenderFault: true, Code: 'InvalidParameterValue', Message: expect.any(String) },
    ]);
  });

  it('refuses empty, oversized, repeated-id, badly named and too-long batches', async () => {
    const url = await createQueue('batch-limits');
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
    ).rejects.toBeInstanceOf(EmptyBatchRequest);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })),
        }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'same', MessageBody: 'x' },
            { Id: 'same', MessageBody: 'y' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'not ok!', MessageBody: 'x' }] }),
      ),
    ).rejects.toBeInstanceOf(InvalidBatchEntryId);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: 6 }, (_, i) => ({ Id: `big${i}`, MessageBody: 'x'.repeat(200_000) })),
        }),
      ),
    ).rejects.toBeInstanceOf(BatchRequestTooLong);
    await expect(
      sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `d${i}`, ReceiptHandle: 'x' })),
        }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
  });

  it('deletes and changes visibility in batches with per-entry failures', async () => {
    const url = await createQueue('batch-delete');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'a' },
          { Id: 'b', MessageBody: 'b' },
        ],
      }),
    );
    const [a, b] = await receive(url, { MaxNumberOfMessages: 10 });
    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'b', ReceiptHandle: b?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'junk', ReceiptHandle: 'junk', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(changed.Successful?.map((s) => s.Id)).toEqual(['b']);
    expect(changed.Failed?.[0]).toMatchObject({
      Id: 'junk',
      Code: 'ReceiptHandleIsInvalid',
      SenderFault: true,
    });
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', ReceiptHandle: a?.ReceiptHandle },
          { Id: 'junk', ReceiptHandle: 'junk' },
        ],
      }),
    );
    expect(deleted.Successful?.map((s) => s.Id)).toEqual(['a']);
    expect(deleted.Failed?.[0]).toMatchObject({ Id: 'junk', Code: 'ReceiptHandleIsInvalid' });
    const rest = await receive(url, { MaxNumberOfMessages: 10 });
    expect(rest.map((m) => m.Body)).toEqual(['b']);
  });
});
