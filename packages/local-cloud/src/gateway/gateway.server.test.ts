import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { StartedServer } from '../edge/edge.server.ts';
import { createGateway } from './gateway.server.ts';
import { createRecordingInvoker, lastEvent, rawRequest } from './gateway.test-support.ts';
import type { GatewayOptions, GatewayRoute } from './gateway.types.ts';

const ISSUER = 'https://auth.shop.local';
const AUDIENCE = 'shop-api';

const routes: GatewayRoute[] = [
  { method: 'GET', path: '/products/{productId}', auth: 'none', functionName: 'shop-http' },
  { method: 'GET', path: '/products/featured', auth: 'none', functionName: 'shop-http' },
  { method: 'ANY', path: '/products/{productId}', auth: 'none', functionName: 'shop-http' },
  { method: 'GET', path: '/files/{proxy+}', auth: 'none', functionName: 'shop-http' },
  { method: 'POST', path: '/echo', auth: 'none', functionName: 'shop-http' },
  { method: 'GET', path: '/cookies', auth: 'none', functionName: 'shop-http' },
  { method: 'GET', path: '/me', auth: 'jwt', functionName: 'shop-http' },
  { method: 'GET', path: '/cors', auth: 'none', functionName: 'shop-http' },
  { method: 'GET', path: '/broken', auth: 'none', functionName: 'broken' },
  { method: 'GET', path: '/slow', auth: 'none', functionName: 'slow' },
  { method: 'GET', path: '/malformed', auth: 'none', functionName: 'malformed' },
  { method: 'GET', path: '/inferred', auth: 'none', functionName: 'inferred' },
  { method: 'GET', path: '/unknown-function', auth: 'none', functionName: 'nobody' },
  { method: 'GET', path: '/bad-header', auth: 'none', functionName: 'bad-header' },
];

const keys = await generateKeyPair('RS256');
const authorize = async (token: string) =>
  (await jwtVerify(token, keys.publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] }))
    .payload;
const mint = (claims: Record<string, unknown>, signingKey: typeof keys.privateKey = keys.privateKey) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('alice')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signingKey);

const started: StartedServer[] = [];
const startGateway = async (overrides: Partial<GatewayOptions> = {}) => {
  const recorder = createRecordingInvoker();
  const logLines: string[] = [];
  const gateway = createGateway({
    routes,
    invoker: recorder.invoker,
    authorize,
    log: (line) => logLines.push(line),
    ...overrides,
  });
  const server = await gateway.listen(0);
  started.push(server);
  return { ...recorder, url: server.url, port: server.port, logLines };
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

describe('payload 2.0 event', () => {
  it('carries every documented field of an API Gateway HTTP API event', async () => {
    const { url, port, invocations } = await startGateway();
    const response = await rawRequest(`${url}/products/42?tag=a&tag=b&q=hello%20world&empty`, {
      headers: { cookie: 'session=s1; theme=dark', 'x-multi': ['one', 'two'], 'user-agent': 'shop-test/1.0' },
    });
    expect(response.status).toBe(200);
    const event = lastEvent(invocations);
    const requestId = response.headers['apigw-requestid'];

    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /products/{productId}');
    expect(event.rawPath).toBe('/products/42');
    expect(event.rawQueryString).toBe('tag=a&tag=b&q=hello%20world&empty');
    expect(event.cookies).toEqual(['session=s1', 'theme=dark']);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers['user-agent']).toBe('shop-test/1.0');
    expect(event.headers.host).toBe(`127.0.0.1:${port}`);
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-port']).toBe(String(port));
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.queryStringParameters).toEqual({ tag: 'a,b', q: 'hello world', empty: '' });
    expect(event.pathParameters).toEqual({ productId: '42' });
    expect('stageVariables' in event).toBe(false);
    expect('body' in event).toBe(false);
    expect(event.isBase64Encoded).toBe(false);

    const context = event.requestContext;
    expect(context.accountId).toBe('000000000000');
    expect(context.apiId).toBe('local');
    expect('authorizer' in context).toBe(false);
    expect(context.domainName).toBe(`127.0.0.1:${port}`);
    expect(context.domainPrefix).toBe('127');
    expect(context.http).toEqual({
      method: 'GET',
      path: '/products/42',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'shop-test/1.0',
    });
    expect(context.requestId).toBe(requestId);
    expect(context.requestId).toMatch(/^[A-Za-z0-9]{15}=$/);
    expect(context.routeKey).toBe('GET /products/{productId}');
    expect(context.stage).toBe('$default');
    expect(context.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(context.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(invocations.at(-1)?.requestId).toBe(requestId);
  });

  it('gives the Hono adapter the path parameters, repeated query keys and cookies', async () => {
    const { url, port } = await startGateway();
    const response = await fetch(`${url}/products/p%2D9?tag=x&tag=y&q=shoes`, {
      headers: { cookie: 'session=abc' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      productId: 'p-9',
      tags: ['x', 'y'],
      q: 'shoes',
      session: 'abc',
      url: `https://127.0.0.1:${port}/products/p%2D9?tag=x&tag=y&q=shoes`,
    });
  });

  it('omits cookies, query and path parameters when the request has none', async () => {
    const { url, invocations } = await startGateway();
    await fetch(`${url}/cookies`);
    const event = lastEvent(invocations);
    expect(event.rawQueryString).toBe('');
    expect('cookies' in event).toBe(false);
    expect('queryStringParameters' in event).toBe(false);
    expect('pathParameters' in event).toBe(false);
  });

  it('passes a JSON body as a UTF-8 string and the JSON answer back', async () => {
    const { url, invocations } = await startGateway();
    const payload = { name: 'Tee – organic', sizes: ['S', 'M'] };
    const response = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ received: payload });
    const event = lastEvent(invocations);
    expect(event.body).toBe(JSON.stringify(payload));
    expect(event.isBase64Encoded).toBe(false);
  });

  it('passes a binary body base64-encoded and returns binary bytes unchanged', async () => {
    const { url, invocations } = await startGateway();
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const response = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    const event = lastEvent(invocations);
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('turns the function result cookies into separate Set-Cookie headers', async () => {
    const { url } = await startGateway();
    const response = await fetch(`${url}/cookies`);
    expect(await response.text()).toBe('cookies set');
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(3);
    expect(cookies[0]).toBe('a=1; Path=/');
    expect(cookies[1]).toBe('b=2; Path=/; HttpOnly');
    expect(cookies[2]).toMatch(/^old=; Max-Age=0/);
    expect(response.headers.get('apigw-requestid')).toMatch(/=$/);
  });

  it('serves a named stage under its path prefix, as rawPath shows', async () => {
    const { url, invocations } = await startGateway({ stage: 'prod' });
    expect((await fetch(`${url}/inferred`)).status).toBe(404);
    expect((await fetch(`${url}/prod/inferred`)).status).toBe(200);
    const event = lastEvent(invocations);
    expect(event.rawPath).toBe('/prod/inferred');
    expect(event.requestContext.stage).toBe('prod');
    expect(event.routeKey).toBe('GET /inferred');
  });
});

describe('route selection', () => {
  it('prefers literal segments, then variables, then greedy variables, then ANY', async () => {
    const { url, invocations } = await startGateway();
    await fetch(`${url}/products/featured`);
    expect(lastEvent(invocations).routeKey).toBe('GET /products/featured');
    expect('pathParameters' in lastEvent(invocations)).toBe(false);

    await fetch(`${url}/products/7`);
    expect(lastEvent(invocations).routeKey).toBe('GET /products/{productId}');

    const deleted = await fetch(`${url}/products/7`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ method: 'DELETE' });
    expect(lastEvent(invocations).routeKey).toBe('ANY /products/{productId}');

    const file = await fetch(`${url}/files/docs/a%20b.txt`);
    expect(await file.json()).toEqual({ path: '/files/docs/a b.txt' });
    expect(lastEvent(invocations).rawPath).toBe('/files/docs/a%20b.txt');
    expect(lastEvent(invocations).pathParameters).toEqual({ proxy: 'docs/a b.txt' });
  });

  it('answers 404 problem+json for an unknown path and for a known path with another method', async () => {
    const { url, invocations } = await startGateway();
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['GET', '/echo'],
      ['GET', '/files/'],
    ] as const) {
      const response = await fetch(`${url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({ title: 'Not Found', status: 404 });
      expect(typeof problem.type).toBe('string');
      expect(typeof problem.detail).toBe('string');
    }
    expect(invocations).toHaveLength(0);
  });
});

describe('JWT authorizer', () => {
  it('answers 401 without invoking the function when the bearer token is missing', async () => {
    const { url, invocations } = await startGateway();
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(invocations).toHaveLength(0);
  });

  it('answers 401 for a token signed by another key', async () => {
    const { url, invocations, logLines } = await startGateway();
    const other = await generateKeyPair('RS256');
    const token = await mint({ roles: ['admin'] }, other.privateKey);
    const response = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(invocations).toHaveLength(0);
    expect(JSON.parse(logLines.at(-1) ?? '{}').authorizerError).toMatch(/signature/);
  });

  it('puts the claims, flattened to strings, and the scopes in requestContext.authorizer', async () => {
    const { url, invocations } = await startGateway();
    const token = await mint({
      roles: ['customer', 'admin'],
      scope: 'orders:read orders:write',
      tier: 2,
      vip: true,
    });
    const response = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const { authorizer } = (await response.json()) as {
      authorizer: { jwt: { claims: Record<string, string>; scopes: string[] | null } };
    };
    expect(authorizer.jwt.claims).toMatchObject({
      sub: 'alice',
      iss: ISSUER,
      aud: AUDIENCE,
      roles: '[customer admin]',
      tier: '2',
      vip: 'true',
    });
    expect(authorizer.jwt.claims.exp).toMatch(/^\d+$/);
    expect(authorizer.jwt.scopes).toEqual(['orders:read', 'orders:write']);
    expect(lastEvent(invocations).requestContext.authorizer).toEqual(authorizer);
  });

  it('sets scopes to null when the token has no scope claim', async () => {
    const { url, invocations } = await startGateway();
    const token = await mint({});
    expect((await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(lastEvent(invocations).requestContext.authorizer?.jwt.scopes).toBeNull();
  });
});

describe('integration failures', () => {
  it('answers 502 without leaking the function error, which goes to the access log', async () => {
    const { url, logLines } = await startGateway();
    const response = await fetch(`${url}/broken`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ title: 'Bad Gateway', status: 502 });
    expect(text).not.toContain('db-secret-host');
    expect(JSON.parse(logLines.at(-1) ?? '{}').integrationErrorMessage).toContain('db-secret-host');
  });

  it('answers 504 when the function times out', async () => {
    const { url } = await startGateway();
    const response = await fetch(`${url}/slow`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ title: 'Gateway Timeout', status: 504 });
  });

  it('answers 502 for a result whose statusCode is not a number', async () => {
    const { url } = await startGateway();
    const response = await fetch(`${url}/malformed`);
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('nope');
  });

  it('answers 502 for a result with a header value HTTP cannot carry', async () => {
    const { url, logLines } = await startGateway();
    const response = await fetch(`${url}/bad-header`);
    expect(response.status).toBe(502);
    expect(response.headers.get('x-bad')).toBeNull();
    expect(JSON.parse(logLines.at(-1) ?? '{}')).toMatchObject({ status: 502 });
  });

  it('answers 502 when the function cannot be invoked at all', async () => {
    const { url } = await startGateway();
    expect((await fetch(`${url}/unknown-function`)).status).toBe(502);
  });

  it('infers 200 application/json for a result without statusCode', async () => {
    const { url } = await startGateway();
    const response = await fetch(`${url}/inferred`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ hello: 'world' });
  });
});

describe('throttling and limits', () => {
  it('answers 429 with Retry-After once the burst is spent', async () => {
    const { url, invocations } = await startGateway({ throttle: { rateLimit: 1, burstLimit: 2 } });
    expect((await fetch(`${url}/inferred`)).status).toBe(200);
    expect((await fetch(`${url}/inferred`)).status).toBe(200);
    const throttled = await fetch(`${url}/inferred`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(Number(throttled.headers.get('retry-after')))).toBe(true);
    expect(await throttled.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(invocations).toHaveLength(2);
  });

  it('answers 413 for a body over the limit without invoking the function', async () => {
    const { url, invocations } = await startGateway({ maxBodyBytes: 1024 });
    const response = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(4096),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413 });
    expect(invocations).toHaveLength(0);
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const { url, invocations } = await startGateway({ maxBodyBytes: 1024 });
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 1000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(invocations).toHaveLength(0);
    expect(sent).toBeLessThan(1000);
  });
});

describe('CORS', () => {
  const cors = {
    allowOrigins: ['https://shop.example'],
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['authorization', 'content-type'],
    exposeHeaders: ['location'],
    maxAgeSeconds: 600,
    allowCredentials: true,
  };

  it('answers a preflight at the gateway without invoking the function', async () => {
    const { url, invocations } = await startGateway({ cors });
    const response = await fetch(`${url}/echo`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(invocations).toHaveLength(0);
  });

  it('gives no CORS headers to an origin that is not allowed', async () => {
    const { url } = await startGateway({ cors });
    const preflight = await fetch(`${url}/echo`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const response = await fetch(`${url}/cors`, { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('replaces the function CORS headers with the configured ones for an allowed origin', async () => {
    const { url } = await startGateway({ cors });
    const response = await fetch(`${url}/cors`, { headers: { origin: 'https://shop.example' } });
    expect(await response.text()).toBe('cors');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('access-control-expose-headers')).toBe('location');
    expect(response.headers.get('vary')).toContain('Origin');
  });
});

describe('access log', () => {
  it('writes one JSON line per request with route, status and latencies', async () => {
    const { url, logLines } = await startGateway();
    const response = await fetch(`${url}/products/1`);
    await fetch(`${url}/nowhere`);
    expect(logLines).toHaveLength(2);
    const [hit, miss] = logLines.map((line) => JSON.parse(line));
    expect(hit).toMatchObject({
      requestId: response.headers.get('apigw-requestid'),
      routeKey: 'GET /products/{productId}',
      status: 200,
      httpMethod: 'GET',
      path: '/products/1',
      functionName: 'shop-http',
    });
    expect(hit.latencyMs).toBeGreaterThanOrEqual(0);
    expect(hit.integrationLatencyMs).toBeGreaterThanOrEqual(0);
    expect(miss).toMatchObject({ routeKey: '-', status: 404, integrationLatencyMs: null });
  });
});

describe('configuration', () => {
  it('refuses jwt routes without an authorizer', () => {
    const { invoker } = createRecordingInvoker();
    expect(() => createGateway({ routes, invoker })).toThrow(/authorize/);
  });

  it('refuses duplicate route keys', () => {
    const { invoker } = createRecordingInvoker();
    const duplicated: GatewayRoute[] = [
      { method: 'GET', path: '/a', auth: 'none', functionName: 'x' },
      { method: 'GET', path: '/a', auth: 'none', functionName: 'y' },
    ];
    expect(() => createGateway({ routes: duplicated, invoker })).toThrow(/Duplicate route GET \/a/);
  });
});
