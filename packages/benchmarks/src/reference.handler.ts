import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

// The budgets' yardstick: the least a Lambda HTTP function of this shop could be, a bare Hono app
// doing one DocumentClient GetCommand. It is bundled with the functions' own esbuild settings, so
// cold start ratios compare like with like. It reads nothing but TABLE_NAME, as a function would.
const table = process.env.TABLE_NAME ?? 'reference';
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const app = new Hono();

// The warm benchmark's zero: Hono routing and the API Gateway adapter, nothing else.
app.get('/ping', (c) => c.json({ ok: true }));

app.get('/items/:id', async (c) => {
  const id = c.req.param('id');
  const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { pk: id, sk: id } }));
  return Item ? c.json(Item) : c.json({ title: 'Not Found' }, 404);
});

export const handler = handle(app);
