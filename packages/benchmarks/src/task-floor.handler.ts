import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/platform/dynamodb';
import { defineSagaTask } from '@shop/platform/task';
import * as z from 'zod';

// A diagnostic bundle for the cold start section: the reference's one GetCommand as the least saga
// task the platform makes (its document client, zod input, Powertools log line and metrics, and the
// tracer bundled as every function bundles it), with none of a service's own code. What it costs
// beyond the reference is the floor of every task, consumer and relay.
const table = process.env.TABLE_NAME ?? 'reference';
const documents = createDocumentClient();

export const handler = defineSagaTask({
  name: 'ReadItem',
  input: z.object({ orderId: z.string().min(1) }),
  errors: [],
  run: async ({ orderId }) => {
    const { Item } = await documents.send(
      new GetCommand({ TableName: table, Key: { pk: orderId, sk: orderId } }),
    );
    return { found: Item !== undefined };
  },
});
