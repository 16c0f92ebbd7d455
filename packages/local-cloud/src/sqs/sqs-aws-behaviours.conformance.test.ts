import {
  AddPermissionCommand,
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  OverLimit,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createSqsEdgeHandler } from './sqs.edge.ts';
import { SqsEngine } from './sqs.engine.ts';

// Behaviours an outside AWS-conformance suite found missing (issue 17), each as AWS answers it.

let engine: SqsEngine;
let edge: StartedServer;
const clients: SQSClient[] = [];
let counter = 0;

const clientIn = (region: string): SQSClient => {
  const client = new SQSClient({
    endpoint: edge.url,
    region,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  });
  clients.push(client);
  return client;
};

let sqs: SQSClient;

const createQueue = async (
  base: string,
  attributes: Record<string, string> = {},
  client: SQSClient = sqs,
): Promise<{ url: string; name: string }> => {
  const fifo = base.endsWith('.fifo');
  const name = fifo ? `${base.slice(0, -5)}-${++counter}.fifo` : `${base}-${++counter}`;
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { ...(fifo ? { FifoQueue: 'true' } : {}), ...attributes },
    }),
  );
  if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
  return { url: QueueUrl, name };
};

const visibleCount = async (QueueUrl: string): Promise<string | undefined> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Attributes?.ApproximateNumberOfMessages;
};

beforeAll(async () => {
  engine = new SqsEngine();
  edge = await startEdge([createSqsEdgeHandler(engine)]);
  sqs = clientIn('us-east-1');
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  engine.close();
  await edge.close();
});

describe('FIFO SendMessageBatch', () => {
  it('refuses the whole request when an entry has no MessageGroupId, sending nothing', async () => {
    const { url } = await createQueue('batch-group.fifo', { ContentBasedDeduplication: 'true' });
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'ok', MessageBody: 'a', MessageGroupId: 'g' },
            { Id: 'no-group', MessageBody: 'b' },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'The request must contain the parameter MessageGroupId.',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await visibleCount(url)).toBe('0');
  });

  it('refuses the whole request when an entry has no MessageDeduplicationId and the queue no content-based de-duplication', async () => {
    const { url } = await createQueue('batch-dedup.fifo');
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'ok', MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' },
            { Id: 'no-dedup', MessageBody: 'b', MessageGroupId: 'g' },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    });
    expect(await visibleCount(url)).toBe('0');
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [{ Id: 'ok', MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }],
      }),
    );
    expect(sent.Successful?.map((s) => s.Id)).toEqual(['ok']);
  });
});

describe('queue addresses', () => {
  it('accepts a queue name where a QueueUrl is expected', async () => {
    const { name, url } = await createQueue('by-name');
    await sqs.send(new SendMessageCommand({ QueueUrl: name, MessageBody: 'addressed by name' }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: name }));
    expect(Messages.map((m) => m.Body)).toEqual(['addressed by name']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: Messages[0]?.ReceiptHandle }));
    expect(await visibleCount(name)).toBe('0');
  });

  it('answers a malformed or unknown QueueUrl with 400 QueueDoesNotExist', async () => {
    const { name } = await createQueue('addressed');
    const wrong = [
      `${edge.url}/000000000000/nope-${counter}`,
      `${edge.url}/123456789012/${name}`,
      `${edge.url}/000000000000/${name}/extra`,
      `${edge.url}/${name}`,
      'http://[not a url',
      'no spaces allowed',
    ];
    for (const QueueUrl of wrong) {
      await expect(
        sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })),
        QueueUrl,
      ).rejects.toBeInstanceOf(QueueDoesNotExist);
    }
    const response = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: 'http://host/bad/path/here', MessageBody: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
  });
});

describe('MessageAttributeNames', () => {
  it('returns the attributes a prefix wildcard matches, and their digest', async () => {
    const { url } = await createQueue('wildcards', { VisibilityTimeout: '0' });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'm',
        MessageAttributes: {
          'Custom.a': { DataType: 'String', StringValue: '1' },
          'Custom.b': { DataType: 'Number', StringValue: '2' },
          Customer: { DataType: 'String', StringValue: 'c' },
          Other: { DataType: 'String', StringValue: 'o' },
        },
      }),
    );
    const namesFor = async (...patterns: string[]) => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: patterns }),
      );
      return Object.keys(Messages[0]?.MessageAttributes ?? {}).sort();
    };
    // AWS matches the text before `.*` as a plain prefix (its recorded responses: `Hel.*` returns `Hello`).
    expect(await namesFor('Custom.*')).toEqual(['Custom.a', 'Custom.b', 'Customer']);
    expect(await namesFor('Custom.a.*')).toEqual(['Custom.a']);
    expect(await namesFor('Oth.*', 'Customer')).toEqual(['Customer', 'Other']);
    expect(await namesFor('*')).toEqual(['Custom.a', 'Custom.b', 'Customer', 'Other']);
    expect(await namesFor('Nothing.*')).toEqual([]);
  });
});

describe('receipt handles of FIFO queues', () => {
  it('refuses an earlier handle of a message received again since', async () => {
    const { url } = await createQueue('handles.fifo', { ContentBasedDeduplication: 'true' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await expect(
      sqs.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages?.[0]?.ReceiptHandle }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('has expired'),
    });
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.Messages?.[0]?.ReceiptHandle }),
    );
  });
});

describe('AddPermission and RemovePermission', () => {
  const policyOf = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }),
    );
    return Attributes?.Policy === undefined
      ? undefined
      : (JSON.parse(Attributes.Policy) as Record<string, unknown>);
  };

  it('writes each grant as a statement of the queue policy and removes it by label', async () => {
    const { url, name } = await createQueue('shared');
    const arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
    await sqs.send(
      new AddPermissionCommand({
        QueueUrl: url,
        Label: 'crossaccount',
        AWSAccountIds: ['111111111111', '222222222222'],
        Actions: ['ReceiveMessage'],
      }),
    );
    await sqs.send(
      new AddPermissionCommand({
        QueueUrl: url,
        Label: 'senders',
        AWSAccountIds: ['111111111111'],
        Actions: ['SendMessage', 'GetQueueUrl'],
      }),
    );
    expect(await policyOf(url)).toEqual({
      Version: '2008-10-17',
      Id: `${arn}/SQSDefaultPolicy`,
      Statement: [
        {
          Sid: 'crossaccount',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root'] },
          Action: 'SQS:ReceiveMessage',
          Resource: arn,
        },
        {
          Sid: 'senders',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: ['SQS:SendMessage', 'SQS:GetQueueUrl'],
          Resource: arn,
        },
      ],
    });
    await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'crossaccount' }));
    expect((await policyOf(url))?.Statement).toEqual([expect.objectContaining({ Sid: 'senders' })]);
    await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'senders' }));
    expect(await policyOf(url)).toBeUndefined();
  });

  it('refuses a label in use, an unknown label, owner-only actions and more than seven actions', async () => {
    const { url } = await createQueue('guarded');
    const grant = { QueueUrl: url, Label: 'once', AWSAccountIds: ['111111111111'], Actions: ['SendMessage'] };
    await sqs.send(new AddPermissionCommand(grant));
    await expect(sqs.send(new AddPermissionCommand(grant))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value once for parameter Label is invalid. Reason: Already exists.',
    });
    await expect(
      sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'never' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: "Value never for parameter Label is invalid. Reason: can't find label.",
    });
    await expect(
      sqs.send(new AddPermissionCommand({ ...grant, Label: 'owner', Actions: ['DeleteQueue'] })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('Only the queue owner is allowed to invoke this action.'),
    });
    await expect(
      sqs.send(
        new AddPermissionCommand({
          ...grant,
          Label: 'many',
          Actions: [
            'SendMessage',
            'ReceiveMessage',
            'DeleteMessage',
            'ChangeMessageVisibility',
            'GetQueueAttributes',
            'GetQueueUrl',
            'PurgeQueue',
            'ListDeadLetterSourceQueues',
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(OverLimit);
    await expect(
      sqs.send(new AddPermissionCommand({ ...grant, Label: 'none', Actions: [] })),
    ).rejects.toMatchObject({
      name: 'MissingParameter',
    });
  });
});

describe('regions', () => {
  it('keeps the queues of each region apart, with the region in their ARN', async () => {
    const west1 = clientIn('us-west-1');
    const west2 = clientIn('us-west-2');
    const { name, url } = await createQueue('regional', {}, west1);
    const listed = async (client: SQSClient) =>
      (await client.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls ?? [];
    expect(await listed(west1)).toEqual([url]);
    expect(await listed(west2)).toEqual([]);
    expect(await listed(sqs)).toEqual([]);
    await expect(west2.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
    await expect(
      west2.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wrong region' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    const { Attributes } = await west1.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    expect(Attributes?.QueueArn).toBe(`arn:aws:sqs:us-west-1:000000000000:${name}`);
    // The same name in another region is another queue.
    await west2.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '7' } }));
    await west1.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'west 1' }));
    const { Messages = [] } = await west2.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(Messages).toEqual([]);
    expect(engine.inRegion('us-west-1').listQueues(name)).toEqual([name]);
    expect(engine.listQueues(name)).toEqual([]);
  });
});

describe('tags', () => {
  const tags = (count: number, prefix = 'k') =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, `v${i}`]));

  it('allows 50 tags on a queue and refuses the 51st, leaving the tags as they were', async () => {
    const { url, name } = await createQueue('tag-limit');
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: tags(49) }));
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { k0: 'overwritten', extra: 'fiftieth' } }));
    await expect(
      sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { oneTooMany: 'x' } })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: `Too many tags added for queue ${name}.`,
    });
    const { Tags = {} } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
    expect(Object.keys(Tags)).toHaveLength(50);
    expect(Tags.k0).toBe('overwritten');
    await expect(
      sqs.send(new CreateQueueCommand({ QueueName: `crowded-${++counter}`, tags: tags(51) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('refuses an empty tag map and an empty key list', async () => {
    const { url } = await createQueue('tag-empty');
    await expect(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: {} }))).rejects.toMatchObject({
      name: 'MissingParameter',
      message: 'The request must contain the parameter Tags.',
    });
    await expect(sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: [] }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Tag keys must be between 1 and 128 characters in length.',
    });
    await expect(
      sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { ['k'.repeat(129)]: 'v' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('empty batches', () => {
  it('names the entry type of the action, as AWS words it', async () => {
    const { url } = await createQueue('empty-batches');
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
        'SendMessageBatchRequestEntry',
      ],
      [
        () => sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] })),
        'DeleteMessageBatchRequestEntry',
      ],
      [
        () => sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: [] })),
        'ChangeMessageVisibilityBatchRequestEntry',
      ],
    ];
    for (const [send, entry] of cases) {
      const failure = send();
      await expect(failure).rejects.toBeInstanceOf(EmptyBatchRequest);
      await expect(failure).rejects.toMatchObject({
        message: `There should be at least one ${entry} in the request.`,
      });
    }
  });
});
