import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const app = new Hono();
app.get('/hello/:name', (c) =>
  c.json({ hello: c.req.param('name'), fn: process.env.AWS_LAMBDA_FUNCTION_NAME }),
);

export const handler = handle(app);
