import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  cancellationReasonsOf,
  conditionalPut,
  conditionalTransaction,
  conditionalUpdate,
  putIfAbsent,
} from '@shop/platform/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../src/dynamodb/dynamodb-local.ts';

const TABLE = 'conditional-writes';
let local: DynamoDbLocal;
let client: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let counter = 0;
const key = () => ({ pk: `ITEM#${++counter}`, sk: 'ITEM' });

beforeAll(async () => {
  local = await startDynamoDbLocal();
  client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  ddb = DynamoDBDocumentClient.from(client);
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
});
afterAll(async () => {
  client.destroy();
  await local.stop();
});

const stored = async (k: ReturnType<typeof key>) =>
  (await ddb.send(new GetCommand({ TableName: TABLE, Key: k, ConsistentRead: true }))).Item;

describe('conditional writes against DynamoDB Local', () => {
  it('conditionalPut writes once, then returns the stored item instead of writing', async () => {
    const k = key();
    const put = (value: string) =>
      conditionalPut(ddb, {
        TableName: TABLE,
        Item: { ...k, value, tags: ['a'] },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    expect(await put('first')).toEqual({ written: true });
    expect(await put('second')).toEqual({ written: false, old: { ...k, value: 'first', tags: ['a'] } });
    expect((await stored(k))?.value).toBe('first');
  });

  it('putIfAbsent creates an item once and then hands back the one stored', async () => {
    const k = key();
    expect(await putIfAbsent(ddb, { tableName: TABLE, item: { ...k, n: 1 } })).toEqual({ written: true });
    expect(await putIfAbsent(ddb, { tableName: TABLE, item: { ...k, n: 2 } })).toEqual({
      written: false,
      old: { ...k, n: 1 },
    });
  });

  it('conditionalUpdate returns the new item, or the old one (none when missing) on a failed condition', async () => {
    const k = key();
    const increment = () =>
      conditionalUpdate(ddb, {
        TableName: TABLE,
        Key: k,
        UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :two',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':two': 2 },
      });
    expect(await increment()).toEqual({ written: true, item: { ...k, n: 1 } });
    expect(await increment()).toEqual({ written: true, item: { ...k, n: 2 } });
    expect(await increment()).toEqual({ written: false, old: { ...k, n: 2 } });

    const missing = await conditionalUpdate(ddb, {
      TableName: TABLE,
      Key: key(),
      UpdateExpression: 'SET #n = :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':one': 1 },
    });
    expect(missing).toEqual({ written: false, old: undefined });
  });

  it('conditionalTransaction returns the deciding item as it stood when its condition fails, and writes nothing', async () => {
    const order = key();
    const event = key();
    await ddb.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...order, status: 'CONFIRMED' },
      }),
    );
    const confirm = () =>
      conditionalTransaction(ddb, {
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: order,
              UpdateExpression: 'SET #status = :confirmed',
              ConditionExpression: '#status = :pending',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':pending': 'PENDING' },
            },
          },
          { Put: { TableName: TABLE, Item: { ...event, kind: 'event' } } },
        ],
      });
    expect(await confirm()).toEqual({ written: false, old: { ...order, status: 'CONFIRMED' } });
    expect(await stored(event)).toBeUndefined();
  });

  it('conditionalTransaction commits every item when the condition holds', async () => {
    const order = key();
    const event = key();
    const result = await conditionalTransaction(ddb, {
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: { ...order, status: 'PENDING' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: TABLE, Item: { ...event, kind: 'event' } } },
      ],
    });
    expect(result).toEqual({ written: true });
    expect(await stored(order)).toEqual({ ...order, status: 'PENDING' });
    expect(await stored(event)).toEqual({ ...event, kind: 'event' });
  });

  it('throws, with its reasons readable, when another item than the deciding one fails', async () => {
    const first = key();
    const guarded = key();
    await ddb.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...guarded, taken: true },
      }),
    );
    const error = await conditionalTransaction(ddb, {
      TransactItems: [
        { Put: { TableName: TABLE, Item: first, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: TABLE,
            Item: guarded,
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    }).catch((caught: unknown) => caught);
    expect(cancellationReasonsOf(error)).toEqual([
      { code: 'None' },
      { code: 'ConditionalCheckFailed', old: { ...guarded, taken: true } },
    ]);
    expect(await stored(first)).toBeUndefined();
  });
});
