import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbProxy } from '../dynamodb/dynamodb-proxy.ts';
import { createSqsEdgeHandler, SqsEngine } from '../sqs/index.ts';
import { sqsMessageSenderOf } from '../stack/saga-state-machines.step.ts';
import {
  startTestDynamoDb,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestDynamoDb,
} from '../testing/dynamodb.harness.ts';
import { type SfnTestBed, startSfnTestBed, types } from './stepfunctions.test-support.ts';

let db: TestDynamoDb;
let sqsEngine: SqsEngine;
let bed: SfnTestBed;
let dynamodb: DynamoDBClient;
let sqs: SQSClient;
let queueUrl = '';

beforeAll(async () => {
  db = await startTestDynamoDb([]);
  sqsEngine = new SqsEngine({ accountId: '000000000000', region: 'us-east-1' });
  bed = await startSfnTestBed({ integrations: { sqs: sqsMessageSenderOf(sqsEngine) } }, [
    createDynamoDbProxy(db.endpoint),
    createSqsEdgeHandler(sqsEngine),
  ]);
  // The integration's client goes through the edge, as the stack's does.
  dynamodb = new DynamoDBClient({
    endpoint: bed.edge.url,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
  });
  bed.emulator.connect({ dynamoDb: dynamodb });
  sqs = new SQSClient({ endpoint: bed.edge.url, region: TEST_REGION, credentials: TEST_CREDENTIALS });
  sqsEngine.createQueue('work');
  queueUrl = `${bed.edge.url}/000000000000/work`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: 'orders',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  await bed?.close();
  dynamodb?.destroy();
  sqs?.destroy();
  sqsEngine?.close();
  await db?.stop();
});

const run = async (definition: object, input: unknown) => {
  const stateMachineArn = await bed.createMachine(definition);
  const { executionArn = '' } = await bed.sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  await bed.emulator.waitForExecution(executionArn, 10_000);
  const description = await bed.sfn.send(new DescribeExecutionCommand({ executionArn }));
  const { events = [] } = await bed.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return { description, events, output: JSON.parse(description.output ?? 'null') as Record<string, unknown> };
};

const receiveOne = async () => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
  );
  const [message] = Messages;
  if (!message) throw new Error('no message arrived');
  return message;
};

describe('arn:aws:states:::sqs:sendMessage', () => {
  it('sends the message (an object body as its JSON) through the local SQS and outputs SendMessage response', async () => {
    const { description, events, output } = await run(
      {
        StartAt: 'Notify',
        States: {
          Notify: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: {
              QueueUrl: queueUrl,
              MessageBody: { 'orderId.$': '$.orderId', kind: 'confirmed' },
              MessageAttributes: { source: { DataType: 'String', StringValue: 'saga' } },
            },
            ResultPath: '$.sent',
            End: true,
          },
        },
      },
      { orderId: 'o-1' },
    );

    expect(description.status).toBe('SUCCEEDED');
    const sent = output.sent as Record<string, unknown>;
    expect(sent.MessageId).toEqual(expect.any(String));
    expect(sent.MD5OfMessageBody).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.SdkHttpMetadata).toMatchObject({ HttpStatusCode: 200 });
    const message = await receiveOne();
    expect(JSON.parse(message.Body ?? '')).toEqual({ orderId: 'o-1', kind: 'confirmed' });
    expect(message.MessageId).toBe(sent.MessageId);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'sqs',
      resource: 'sendMessage',
    });
  });

  it('takes the queue name in place of its URL, as SQS does', async () => {
    const { description } = await run(
      {
        StartAt: 'Notify',
        States: {
          Notify: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: { QueueUrl: 'work', MessageBody: 'by name' },
            End: true,
          },
        },
      },
      {},
    );
    expect(description.status).toBe('SUCCEEDED');
    expect((await receiveOne()).Body).toBe('by name');
  });

  it('fails with SQS.QueueDoesNotExistException for an unknown queue, which Catch matches', async () => {
    const { description, events, output } = await run(
      {
        StartAt: 'Notify',
        States: {
          Notify: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: { QueueUrl: `${bed.edge.url}/000000000000/missing`, MessageBody: 'x' },
            Catch: [
              { ErrorEquals: ['SQS.QueueDoesNotExistException'], ResultPath: '$.error', Next: 'Handled' },
            ],
            End: true,
          },
          Handled: { Type: 'Succeed' },
        },
      },
      {},
    );
    expect(description.status).toBe('SUCCEEDED');
    expect((output.error as { Error: string }).Error).toBe('SQS.QueueDoesNotExistException');
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
      resourceType: 'sqs',
      resource: 'sendMessage',
      error: 'SQS.QueueDoesNotExistException',
    });
  });

  it('hands the task token over in the message and waits for SendTaskSuccess (.waitForTaskToken)', async () => {
    const stateMachineArn = await bed.createMachine({
      StartAt: 'AskWarehouse',
      States: {
        AskWarehouse: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: {
            QueueUrl: queueUrl,
            MessageBody: { 'orderId.$': '$.orderId', 'token.$': '$$.Task.Token' },
          },
          HeartbeatSeconds: 60,
          End: true,
        },
      },
    });
    const { executionArn = '' } = await bed.sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: '{"orderId":"o-2"}' }),
    );
    const message = await receiveOne();
    const body = JSON.parse(message.Body ?? '') as { orderId: string; token: string };
    expect(body.orderId).toBe('o-2');
    await bed.sfn.send(new SendTaskSuccessCommand({ taskToken: body.token, output: '{"packed":true}' }));
    await bed.emulator.waitForExecution(executionArn, 10_000);

    const description = await bed.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(description).toMatchObject({ status: 'SUCCEEDED', output: '{"packed":true}' });
    const { events = [] } = await bed.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const submitted = events.find((e) => e.type === 'TaskSubmitted')?.taskSubmittedEventDetails;
    expect(submitted).toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' });
    expect(JSON.parse(submitted?.output ?? '')).toMatchObject({ MessageId: message.MessageId });
    expect(
      events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails?.heartbeatInSeconds,
    ).toBe(60);
  });
});

describe('arn:aws:states:::dynamodb:*', () => {
  it('puts, gets, updates and deletes an item in DynamoDB Local through the edge with DynamoDB JSON', async () => {
    const { description, output } = await run(
      {
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: {
              TableName: 'orders',
              Item: {
                pk: { 'S.$': '$.orderId' },
                total: { N: '1200' },
                blob: { B: Buffer.from('receipt').toString('base64') },
              },
            },
            ResultPath: null,
            Next: 'Get',
          },
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName: 'orders', Key: { pk: { 'S.$': '$.orderId' } } },
            ResultSelector: { 'item.$': '$.Item' },
            ResultPath: '$.got',
            Next: 'Update',
          },
          Update: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:updateItem',
            Parameters: {
              TableName: 'orders',
              Key: { pk: { 'S.$': '$.orderId' } },
              UpdateExpression: 'SET #s = :s',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': { S: 'CONFIRMED' } },
              ReturnValues: 'ALL_NEW',
            },
            ResultSelector: { 'attributes.$': '$.Attributes' },
            ResultPath: '$.updated',
            Next: 'Delete',
          },
          Delete: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:deleteItem',
            Parameters: { TableName: 'orders', Key: { pk: { 'S.$': '$.orderId' } }, ReturnValues: 'ALL_OLD' },
            ResultSelector: { 'old.$': '$.Attributes.status.S' },
            ResultPath: '$.deleted',
            End: true,
          },
        },
      },
      { orderId: 'o-3' },
    );

    expect(description.status).toBe('SUCCEEDED');
    expect(output.got).toEqual({
      item: {
        pk: { S: 'o-3' },
        total: { N: '1200' },
        blob: { B: Buffer.from('receipt').toString('base64') },
      },
    });
    expect((output.updated as { attributes: Record<string, unknown> }).attributes.status).toEqual({
      S: 'CONFIRMED',
    });
    expect(output.deleted).toEqual({ old: 'CONFIRMED' });
  });

  it('reports DynamoDB errors as DynamoDB.<Exception>, the names Retry and Catch match in AWS', async () => {
    const { description, events, output } = await run(
      {
        StartAt: 'PutOnce',
        States: {
          PutOnce: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: {
              TableName: 'orders',
              Item: { pk: { S: 'o-4' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
            ResultPath: null,
            Next: 'PutAgain',
          },
          PutAgain: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: {
              TableName: 'orders',
              Item: { pk: { S: 'o-4' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
            Catch: [
              {
                ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
                ResultPath: '$.duplicate',
                Next: 'Missing',
              },
            ],
            End: true,
          },
          Missing: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName: 'no-such-table', Key: { pk: { S: 'x' } } },
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.missing', Next: 'Done' }],
            End: true,
          },
          Done: { Type: 'Succeed' },
        },
      },
      {},
    );

    expect(description.status).toBe('SUCCEEDED');
    expect((output.duplicate as { Error: string }).Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect((output.duplicate as { Cause: string }).Cause).toMatch(
      /Service: AmazonDynamoDBv2; Status Code: 400/,
    );
    expect((output.missing as { Error: string }).Error).toBe('DynamoDB.ResourceNotFoundException');
    expect(
      events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.resource),
    ).toEqual(['putItem', 'getItem']);
  });
});
