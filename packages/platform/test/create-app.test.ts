import { createDevIssuer } from '@shop/auth/dev-issuer';
import type { Problem } from '@shop/contracts';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { NotFoundError } from '../src/errors/index.ts';
import {
  aboutOrder,
  createApp,
  createAuth,
  createRoute,
  jsonBody,
  jsonResponse,
  problemResponses,
} from '../src/http/index.ts';
import { currentInvocation } from '../src/invocation/index.ts';
import { getLogger, recordMetric, SHOP_METRICS } from '../src/observability/index.ts';
import { captureOutput, metricValuesOf } from '../src/observability/testing.ts';

class WidgetNotFoundError extends NotFoundError {
  override readonly code = 'WIDGET.NOT_FOUND';
}

const Widget = z.object({ name: z.string().min(1).max(20), price: z.number().int().positive() });

const createWidget = createRoute({
  method: 'post',
  path: '/widgets',
  request: { body: jsonBody(Widget) },
  responses: { 201: jsonResponse(Widget, 'created'), ...problemResponses(400) },
});

const getWidget = createRoute({
  method: 'get',
  path: '/widgets/{id}',
  request: { params: z.object({ id: z.string().regex(/^w-\d+$/) }) },
  responses: { 200: jsonResponse(Widget, 'the widget'), ...problemResponses(404) },
});

const problemOf = async (res: Response) => (await res.json()) as Problem;

const buildApp = () => {
  const app = createApp();
  app.openapi(createWidget, (c) => c.json(c.req.valid('json'), 201));
  app.openapi(getWidget, (c) => {
    const { id } = c.req.valid('param');
    if (id === 'w-1') return c.json({ name: 'one', price: 100 }, 200);
    throw new WidgetNotFoundError(`widget ${id} does not exist`);
  });
  app.get('/boom', () => {
    throw new Error('connection string postgres://secret@db leaked?');
  });
  return app;
};

const post = (body: string, contentType = 'application/json') =>
  buildApp().request('/widgets', { method: 'POST', body, headers: { 'content-type': contentType } });

describe('createApp', () => {
  it('answers a valid request', async () => {
    const res = await post(JSON.stringify({ name: 'gear', price: 250 }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'gear', price: 250 });
  });

  it('turns zod failures into a 400 problem with a pointer per field', async () => {
    const res = await post(JSON.stringify({ name: '', price: 2.5 }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = await problemOf(res);
    expect(problem).toMatchObject({
      status: 400,
      code: 'REQUEST.INVALID',
      title: 'Your request is not valid',
    });
    expect(problem.errors?.map((e) => e.pointer).sort()).toEqual(['/body/name', '/body/price']);
  });

  it('turns malformed JSON into a 400 problem', async () => {
    const res = await post('{"name": "gear",');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await problemOf(res)).detail).toMatch(/json/i);
  });

  it('refuses a body of another media type with 415', async () => {
    const res = await post('name=gear', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('validates path parameters', async () => {
    const res = await buildApp().request('/widgets/nope');
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.[0]?.pointer).toBe('/path/id');
  });

  it('renders an AppError with its status and stable code', async () => {
    const res = await buildApp().request('/widgets/w-2');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      status: 404,
      code: 'WIDGET.NOT_FOUND',
      detail: 'widget w-2 does not exist',
      type: 'https://shop.example/problems/widget/not-found',
      instance: '/widgets/w-2',
    });
  });

  it('hides unknown errors behind a generic 500', async () => {
    const res = await buildApp().request('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await buildApp().request('/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('echoes a well-formed correlation id and issues a request id', async () => {
    const res = await buildApp().request('/widgets/w-1', { headers: { 'x-correlation-id': 'checkout-42' } });
    expect(res.headers.get('x-correlation-id')).toBe('checkout-42');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a route answer', '/widgets/w-1', 200],
    ['a problem the route threw', '/widgets/w-2', 404],
    ['an unknown error', '/boom', 500],
    ['an unknown route', '/nowhere', 404],
    ['a Response the route returned as is', '/raw', 204],
  ])('puts both ids on %s', async (_case, path, status) => {
    const app = buildApp();
    app.get('/raw', () => new Response(null, { status: 204 }));
    const res = await app.request(path, { headers: { 'x-correlation-id': 'checkout-44' } });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-correlation-id')).toBe('checkout-44');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('does not trust a correlation id that could inject into logs', async () => {
    const res = await buildApp().request('/widgets/w-1', { headers: { 'x-correlation-id': 'a b"c' } });
    expect(res.headers.get('x-correlation-id')).toBe(res.headers.get('x-request-id'));
  });
});

/** The `request` lines the app writes to stdout (Powertools' JSON) while `run` runs. */
const accessLines = async (run: () => unknown) => {
  const lines: Record<string, unknown>[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.includes('"message":"request"')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines;
};

describe('createApp routes', () => {
  const search = createRoute({
    method: 'get',
    path: '/search',
    request: {
      query: z.object({ limit: z.coerce.number().int().max(50) }),
      headers: z.object({ 'Idempotency-Key': z.string().min(8) }),
    },
    responses: { 200: jsonResponse(z.object({ limit: z.number(), key: z.string() }), 'found') },
  });
  const note = createRoute({
    method: 'put',
    path: '/notes',
    request: { body: { ...jsonBody(z.object({ text: z.string().max(5) })), required: false } },
    responses: { 200: jsonResponse(z.object({ text: z.string().optional() }), 'kept') },
  });

  const buildRoutes = () => {
    const app = createApp();
    app.openapi(search, (c) =>
      c.json({ limit: c.req.valid('query').limit, key: c.req.valid('header')['Idempotency-Key'] }, 200),
    );
    app.openapi(note, (c) => c.json(c.req.valid('json'), 200));
    return app;
  };

  it('validates query and headers, matching header names whatever their case', async () => {
    const ok = await buildRoutes().request('/search?limit=5', { headers: { 'idempotency-key': 'abcdefgh' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ limit: 5, key: 'abcdefgh' });
    const bad = await buildRoutes().request('/search?limit=500', { headers: { 'idempotency-key': 'short' } });
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors?.map((e) => e.pointer)).toEqual(['/query/limit']);
  });

  it('takes an optional body as empty when the request has none, and validates one that is sent', async () => {
    const none = await buildRoutes().request('/notes', { method: 'PUT' });
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({});
    const long = await buildRoutes().request('/notes', {
      method: 'PUT',
      body: JSON.stringify({ text: 'far too long' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(long.status).toBe(400);
    expect((await problemOf(long)).errors?.[0]?.pointer).toBe('/body/text');
  });

  it('refuses a body without a content type with 415', async () => {
    const res = await buildApp().request('/widgets', {
      method: 'POST',
      body: new Blob(['{}']).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(415);
  });

  it("lets a route's hook turn a validation failure into its own error, and runs the route's middleware first", async () => {
    const seen: string[] = [];
    const app = createApp();
    app.openapi(
      {
        ...createWidget,
        middleware: async (_c, next) => {
          seen.push('middleware');
          await next();
        },
      },
      (c) => c.json(c.req.valid('json'), 201),
      (result) => {
        seen.push(`hook ${result.target} ${result.success}`);
        if (!result.success) throw new WidgetNotFoundError('no such widget shape');
      },
    );
    const res = await app.request('/widgets', {
      method: 'POST',
      body: JSON.stringify({ name: '' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(404);
    expect((await problemOf(res)).code).toBe('WIDGET.NOT_FOUND');
    expect(seen).toEqual(['middleware', 'hook json false']);
  });
});

describe('createApp access log', () => {
  it('logs one INFO line per request with outcome and duration, and nothing else for a success', async () => {
    const { logs } = await captureOutput(() => buildApp().request('/widgets/w-1'));
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request',
        method: 'GET',
        path: '/widgets/w-1',
        status: 200,
        outcome: 'succeeded',
        durationMs: expect.any(Number),
        correlationId: expect.any(String),
      }),
    ]);
  });

  it('logs a failed request with its status, path, request id and correlation id', async () => {
    const lines = await accessLines(() =>
      buildApp().request('/widgets/w-2', { headers: { 'x-correlation-id': 'checkout-43' } }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      method: 'GET',
      path: '/widgets/w-2',
      status: 404,
      correlationId: 'checkout-43',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('puts the order a route names on its lines, the request line included, and carries the correlation id into calls', async () => {
    const app = createApp();
    app.post('/orders/:orderId/ship', (c) => {
      aboutOrder(c, c.req.param('orderId'));
      getLogger().info('shipping', { carrier: 'post' });
      recordMetric(SHOP_METRICS.ordersPlaced, 1);
      return c.json({ invokedWith: currentInvocation()?.correlationId }, 200);
    });
    const { result, logs, emf } = await captureOutput(async () => {
      const res = await app.request('/orders/ord_1/ship', {
        method: 'POST',
        headers: { 'x-correlation-id': 'shopper-9' },
      });
      return res.json();
    });
    expect(result).toEqual({ invokedWith: 'shopper-9' });
    expect(logs.map(({ message, correlationId, orderId }) => ({ message, correlationId, orderId }))).toEqual([
      { message: 'shipping', correlationId: 'shopper-9', orderId: 'ord_1' },
      { message: 'request', correlationId: 'shopper-9', orderId: 'ord_1' },
    ]);
    expect(metricValuesOf(emf)).toEqual([expect.objectContaining({ name: 'OrdersPlaced', value: 1 })]);
    expect(emf[0]).toMatchObject({ correlationId: 'shopper-9', orderId: 'ord_1' });
    // The next request starts clean.
    const next = await captureOutput(() => app.request('/nothing'));
    expect(next.logs[0]).toMatchObject({ message: 'request', status: 404 });
    expect(next.logs[0]?.orderId).toBeUndefined();
    expect(next.emf).toEqual([]);
  });
});

describe('createApp with auth', () => {
  it('keeps the auth problem document, its code and WWW-Authenticate', async () => {
    const issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
    const auth = createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks });
    const app = createApp();
    app.get('/me', auth.authenticate, (c) => c.json({}));
    app.get('/admin', auth.authenticate, auth.requireRole('admin'), (c) => c.json({}));

    const anonymous = await app.request('/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await problemOf(anonymous)).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });

    const { token } = await issuer.mint({ sub: 'alice', roles: ['customer'] });
    const forbidden = await app.request('/admin', { headers: { authorization: `Bearer ${token}` } });
    expect(forbidden.status).toBe(403);
    expect(await problemOf(forbidden)).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });
});
