import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/platform/dynamodb';
import { createApp, createAuth, createHttpHandler, createRoute, jsonResponse } from '@shop/platform/http';
import { withInvocation } from '@shop/platform/invocation';
import * as z from 'zod';

// A diagnostic bundle for the cold start section: the reference's one GetCommand as the least HTTP
// function the platform makes (its app with ids, log line, metrics and error boundary, a bearer token
// checked by the auth package, a zod-validated path parameter, its document client, and the tracer
// bundled as every function bundles it), with none of a service's own code. What it costs beyond
// the reference is the floor of every HTTP function.
const table = process.env.TABLE_NAME ?? 'reference';
const documents = createDocumentClient();
// The identity provider of the stack when the warm section runs it, placeholders for a cold start.
const auth = createAuth({
  issuer: process.env.AUTH_ISSUER ?? 'https://issuer.example',
  audience: process.env.AUTH_AUDIENCE ?? 'shop',
  jwks: process.env.AUTH_JWKS_URL ?? 'https://issuer.example/.well-known/jwks.json',
});

const getItemRoute = createRoute({
  method: 'get',
  path: '/items/{id}',
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: { 200: jsonResponse(z.object({ found: z.boolean() }), 'Whether the item exists') },
});

const app = createApp();
app.openapi({ ...getItemRoute, middleware: [auth.authenticate] }, async (c) => {
  const { id } = c.req.valid('param');
  const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { pk: id, sk: id } }));
  return c.json({ found: Item !== undefined }, 200);
});

export const handler = withInvocation(createHttpHandler(app));
