import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { StartedServer } from '../edge/edge.server.ts';
import { Mailbox } from '../ses/ses.mailbox.ts';
import { createBuiltinRoutes, type DevTokenInput, type DevTokenIssuer } from './builtin-routes.app.ts';
import { createGateway } from './gateway.server.ts';
import { createRecordingInvoker, lastEvent } from './gateway.test-support.ts';

const ISSUER = 'http://127.0.0.1/dev-issuer';
const AUDIENCE = 'shop-api';
const OPENAPI = { openapi: '3.1.0', info: { title: 'Shop', version: '1.0.0' }, paths: {} };

/** The same contract as `@shop/auth`'s dev issuer, built directly on jose. */
const createTestIssuer = async (): Promise<
  DevTokenIssuer & { jwks: { keys: Record<string, unknown>[] } }
> => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'dev-1', alg: 'RS256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    async mint({ sub, roles = ['customer'], expiresInSeconds = 3600 }: DevTokenInput) {
      const token = await new SignJWT({ roles: [...roles] })
        .setProtectedHeader({ alg: 'RS256', kid: 'dev-1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(`${expiresInSeconds}s`)
        .sign(privateKey);
      return { token, expiresIn: expiresInSeconds };
    },
  };
};

const started: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

const startWithBuiltins = async (withIssuer = true) => {
  const issuer = await createTestIssuer();
  const jwks = createLocalJWKSet(issuer.jwks);
  const recorder = createRecordingInvoker();
  const logLines: string[] = [];
  const gateway = createGateway({
    routes: [
      { method: 'GET', path: '/me', auth: 'jwt', functionName: 'shop-http' },
      { method: 'GET', path: '/products/{productId}', auth: 'none', functionName: 'shop-http' },
    ],
    invoker: recorder.invoker,
    authorize: async (token) =>
      (await jwtVerify(token, jwks, { issuer: ISSUER, audience: AUDIENCE })).payload,
    builtins: createBuiltinRoutes({ openapi: () => OPENAPI, ...(withIssuer ? { devIssuer: issuer } : {}) }),
    log: (line) => logLines.push(line),
  });
  const server = await gateway.listen(0);
  started.push(server);
  return { url: server.url, issuer, logLines, ...recorder };
};

const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('gateway built-in endpoints', () => {
  it('answers GET /health with status ok, a request id and an access-log line', async () => {
    const { url, logLines, invocations } = await startWithBuiltins();
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('apigw-requestid')).toMatch(/=$/);
    expect(JSON.parse(logLines.at(-1) ?? '{}')).toMatchObject({ path: '/health', status: 200 });
    expect(invocations).toHaveLength(0);
  });

  it('serves the OpenAPI document and an HTML reference page that loads it', async () => {
    const { url } = await startWithBuiltins();
    const document = await fetch(`${url}/openapi.json`);
    expect(document.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await document.json()).toEqual(OPENAPI);

    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await docs.text();
    expect(html).toContain('/openapi.json');
    // Every asset the page loads is served here: nothing comes from another host.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source.startsWith('/docs/assets/')).toBe(true);
      const asset = await fetch(`${url}${source}`);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${url}/docs/assets/..%2Fpackage.json`)).status).not.toBe(200);
  });

  it('mints a dev token that the JWT authorizer accepts on a protected route', async () => {
    const { url, invocations } = await startWithBuiltins();
    const minted = await postJson(`${url}/dev/token`, {
      sub: 'alice',
      roles: ['customer', 'admin'],
      expiresInSeconds: 600,
    });
    expect(minted.status).toBe(200);
    const { token, expiresIn } = (await minted.json()) as { token: string; expiresIn: number };
    expect(expiresIn).toBe(600);

    const me = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(lastEvent(invocations).requestContext.authorizer?.jwt.claims).toMatchObject({
      sub: 'alice',
      roles: '[customer admin]',
    });
  });

  it('serves the dev issuer JWKS', async () => {
    const { url, issuer } = await startWithBuiltins();
    const response = await fetch(`${url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(issuer.jwks);
  });

  it('answers 400 problem+json with field errors for a bad token request', async () => {
    const { url } = await startWithBuiltins();
    const response = await postJson(`${url}/dev/token`, { roles: 'admin' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { status: number; errors: { pointer: string }[] };
    expect(problem.status).toBe(400);
    expect(problem.errors.map((error) => error.pointer)).toEqual(['/body/sub', '/body/roles']);
  });

  it('answers 400 for a token request that is not JSON', async () => {
    const { url } = await startWithBuiltins();
    const response = await fetch(`${url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('leaves /dev/token to the routes when no dev issuer is configured', async () => {
    const { url } = await startWithBuiltins(false);
    const response = await postJson(`${url}/dev/token`, { sub: 'alice' });
    expect(response.status).toBe(404);
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(404);
  });

  it('lets every other request through to the routes', async () => {
    const { url, invocations } = await startWithBuiltins();
    const response = await fetch(`${url}/products/9`);
    expect(response.status).toBe(200);
    expect(lastEvent(invocations).routeKey).toBe('GET /products/{productId}');
    expect((await fetch(`${url}/health`, { method: 'POST' })).status).toBe(404);
  });

  it('uses a supplied parser for the token request', async () => {
    const builtins = createBuiltinRoutes({
      openapi: () => OPENAPI,
      devIssuer: await createTestIssuer(),
      parseDevTokenRequest: () => {
        throw new Error('only bob may have a token');
      },
    });
    const response = await builtins(
      new Request('http://gateway/dev/token', { method: 'POST', body: JSON.stringify({ sub: 'alice' }) }),
    );
    expect(response?.status).toBe(400);
    expect(await builtins(new Request('http://gateway/products'))).toBeUndefined();
  });
});

describe('the API root', () => {
  it('redirects a browser to the API reference', async () => {
    const { url } = await startWithBuiltins();
    const res = await fetch(`${url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/docs');
  });
});

describe('GET /dev/mailbox', () => {
  const mailboxRoutes = () => {
    const mailbox = new Mailbox();
    mailbox.deliver({
      id: 'm-1',
      from: 'orders@shop.localhost',
      recipients: ['alice@example.com', 'bob@example.com'],
      subject: 'Order confirmed',
      text: 'Thanks',
      html: '<p>Thanks</p>',
      sentAt: '2026-12-02T10:00:00.000Z',
    });
    return createBuiltinRoutes({ openapi: () => OPENAPI, mailbox });
  };

  it("lists a recipient's copies, the address compared case-insensitively", async () => {
    const response = await mailboxRoutes()(new Request('http://gateway/dev/mailbox?to=Alice%40Example.com'));
    expect(response?.status).toBe(200);
    expect(await response?.json()).toEqual({
      items: [
        {
          id: 'm-1',
          from: 'orders@shop.localhost',
          to: 'alice@example.com',
          subject: 'Order confirmed',
          text: 'Thanks',
          html: '<p>Thanks</p>',
          sentAt: '2026-12-02T10:00:00.000Z',
        },
      ],
    });
    const nobody = await mailboxRoutes()(new Request('http://gateway/dev/mailbox?to=carol%40example.com'));
    expect(await nobody?.json()).toEqual({ items: [] });
    const all = await mailboxRoutes()(new Request('http://gateway/dev/mailbox'));
    expect(await all?.json()).toMatchObject({
      items: [{ to: 'bob@example.com' }, { to: 'alice@example.com' }],
    });
  });

  it('answers 400 problem+json when `to` is no email address', async () => {
    const response = await mailboxRoutes()(new Request('http://gateway/dev/mailbox?to=alice'));
    expect(response?.status).toBe(400);
    expect(response?.headers.get('content-type')).toBe('application/problem+json');
    expect(await response?.json()).toMatchObject({ status: 400, errors: [{ pointer: '/query/to' }] });
  });

  it('is left to the routes without a mailbox', async () => {
    const builtins = createBuiltinRoutes({ openapi: () => OPENAPI });
    expect(await builtins(new Request('http://gateway/dev/mailbox'))).toBeUndefined();
  });
});
