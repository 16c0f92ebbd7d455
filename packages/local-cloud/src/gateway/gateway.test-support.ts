import { request as httpRequest } from 'node:http';
import { Hono } from 'hono';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { InvokeResult, LambdaInvoker } from '../lambda/lambda.types.ts';
import type { HttpApiEventV2 } from './gateway.types.ts';

type LambdaBindings = { event: HttpApiEventV2 };

/** A small Hono app behind `handle(app)`, as a service's `handlers/http.ts` would export it. */
export const createShopApp = () => {
  const app = new Hono<{ Bindings: LambdaBindings }>();
  app.get('/products/:productId', (c) =>
    c.json({
      productId: c.req.param('productId'),
      tags: c.req.queries('tag') ?? [],
      q: c.req.query('q') ?? null,
      session: getCookie(c, 'session') ?? null,
      url: c.req.url,
    }),
  );
  app.all('/products/:productId', (c) => c.json({ method: c.req.method }));
  app.get('/files/*', (c) => c.json({ path: c.req.path }));
  app.post('/echo', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('application/json')) return c.json({ received: await c.req.json() }, 201);
    return c.body(await c.req.arrayBuffer(), 200, { 'content-type': 'application/octet-stream' });
  });
  app.get('/cookies', (c) => {
    setCookie(c, 'a', '1', { path: '/' });
    setCookie(c, 'b', '2', { httpOnly: true });
    deleteCookie(c, 'old');
    return c.text('cookies set');
  });
  app.get('/me', (c) => c.json({ authorizer: c.env.event.requestContext.authorizer }));
  app.get('/cors', (c) => c.text('cors', 200, { 'access-control-allow-origin': '*' }));
  return app;
};

export interface RecordedInvocation {
  readonly functionName: string;
  readonly event: HttpApiEventV2;
  readonly requestId: string | undefined;
}

/**
 * A `LambdaInvoker` that runs functions in-process and records every event it is given: `shop-http`
 * is the Hono app behind `handle(app)`, the others stand for failing or odd functions.
 */
export const createRecordingInvoker = () => {
  const lambda = handle(createShopApp());
  const invocations: RecordedInvocation[] = [];
  const functions: Record<string, (event: HttpApiEventV2) => Promise<InvokeResult>> = {
    'shop-http': async (event) => ({
      ok: true,
      // The event crosses the invoke boundary as JSON in AWS; the same happens here.
      payload: await lambda(JSON.parse(JSON.stringify(event)) as LambdaEvent),
    }),
    broken: async () => ({
      ok: false,
      timedOut: false,
      error: { errorType: 'Error', errorMessage: 'connection to db-secret-host refused' },
    }),
    slow: async () => ({
      ok: false,
      timedOut: true,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' },
    }),
    malformed: async () => ({ ok: true, payload: { statusCode: '200', body: 'nope' } }),
    inferred: async () => ({ ok: true, payload: { hello: 'world' } }),
    'bad-header': async () => ({
      ok: true,
      payload: { statusCode: 200, headers: { 'x-bad': 'a\nb' }, body: 'x' },
    }),
  };
  const invoker: LambdaInvoker = {
    async invoke(functionName, payload, options) {
      const event = payload as HttpApiEventV2;
      invocations.push({ functionName, event, requestId: options?.requestId });
      const run = functions[functionName];
      if (!run) throw new Error(`no function ${functionName}`);
      return run(event);
    },
  };
  return { invoker, invocations };
};

export const lastEvent = (invocations: readonly RecordedInvocation[]): HttpApiEventV2 => {
  const last = invocations.at(-1);
  if (!last) throw new Error('no function was invoked');
  return last.event;
};

/** A raw request through node:http, for what fetch cannot send (the same header twice). */
export const rawRequest = (
  url: string,
  options: { method?: string; headers: Record<string, string | string[]> },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
