import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

// The warm benchmark's yardstick (the cold start one is `reference.handler.ts`, kept to one GetCommand):
// a bare Hono app, bundled with the functions' own esbuild settings, that can make any DynamoDB call a
// route makes. It reads nothing but TABLE_NAME, as a function would.
const table = process.env.TABLE_NAME ?? 'reference';
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const app = new Hono();

// The warm benchmark's zero: Hono routing and the API Gateway adapter, nothing else.
app.get('/ping', (c) => c.json({ ok: true }));

const key = { pk: 'bench', sk: 'bench' };

/** One DocumentClient call of each DynamoDB operation, with the least input the operation takes. */
const calls: Record<string, () => Promise<unknown>> = {
  GetItem: async () => (await documents.send(new GetCommand({ TableName: table, Key: key }))).Item,
  Query: async () =>
    (
      await documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': key.pk },
        }),
      )
    ).Items,
  BatchGetItem: async () =>
    (await documents.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [key] } } }))).Responses,
  PutItem: async () => documents.send(new PutCommand({ TableName: table, Item: key })),
  UpdateItem: async () =>
    (
      await documents.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      )
    ).Attributes,
  DeleteItem: async () => documents.send(new DeleteCommand({ TableName: table, Key: key })),
  TransactWriteItems: async () =>
    documents.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: key } }] })),
};

// The warm benchmark's zero for one route: bare Hono making the same DynamoDB calls as the route (the
// body lists the operations) and answered with the same recorded responses, so the SDK's work on the
// route's items is on both sides and only what the platform and the service add remains.
app.post('/calls', async (c) => {
  const operations = (await c.req.json()) as string[];
  let last: unknown;
  for (const operation of operations) last = await calls[operation]?.();
  return c.json(last ?? {});
});

export const handler = handle(app);
