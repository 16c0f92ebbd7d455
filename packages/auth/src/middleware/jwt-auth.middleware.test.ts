import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, Problem } from '@shop/contracts';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIssuer, type DevIssuer } from '../dev-issuer/index.ts';
import {
  createTokenSigner,
  jwksOf,
  nowSeconds,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TokenSigner,
  tamperPayload,
  unsecuredToken,
  validClaims,
} from '../testing/token-signer.fixture.ts';
import { createJwtVerifier, type JwtVerifier } from '../verifier/index.ts';
import { type AuthVariables, getUser } from './auth-variables.ts';
import { jwtAuth } from './jwt-auth.middleware.ts';
import { requireRole } from './require-role.middleware.ts';

type Expected = { status: 401 | 403 | 503; code: string; detail?: string };

/** Asserts an RFC 9457 answer: status, content type, and a body of the Problem shape with our code. */
const expectProblem = async (res: Response, expected: Expected): Promise<Problem> => {
  expect(res.status).toBe(expected.status);
  expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const body = Problem.parse(await res.json());
  expect(body).toMatchObject({ status: expected.status, code: expected.code });
  expect(body.type.startsWith(PROBLEM_TYPE_BASE)).toBe(true);
  if (expected.detail !== undefined) expect(body.detail).toBe(expected.detail);
  return body;
};

const unauthenticated = (detail?: string): Expected => ({
  status: 401,
  code: 'AUTH.UNAUTHENTICATED',
  detail,
});

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

/** The routes a service would have, with no `onError`: Hono's default handler answers the errors. */
const buildApp = (verifier: JwtVerifier): Hono<{ Variables: AuthVariables }> => {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get('/me', jwtAuth({ verifier }), (c) => c.json(getUser(c)));
  app.get('/admin', jwtAuth({ verifier }), requireRole('admin'), (c) => c.json({ sub: getUser(c).sub }));
  app.get('/browse', jwtAuth({ verifier, optional: true }), (c) =>
    c.json({ sub: c.get('user')?.sub ?? null }),
  );
  app.get('/browse/mine', jwtAuth({ verifier, optional: true }), (c) => c.json({ sub: getUser(c).sub }));
  app.get('/unguarded-admin', requireRole('admin'), (c) => c.text('never'));
  return app;
};

describe('jwtAuth and requireRole in a Hono app', () => {
  let dev: DevIssuer;
  let signer: TokenSigner;
  let app: Hono<{ Variables: AuthVariables }>;

  beforeAll(async () => {
    dev = await createDevIssuer({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    signer = await createTokenSigner('test-signer');
    const jwks = jwksOf(...dev.jwks.keys, signer.publicJwk);
    app = buildApp(createJwtVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks }));
  });

  it('answers 401 problem+json with a bare Bearer challenge when the Authorization header is missing', async () => {
    const res = await app.request('/me');
    await expectProblem(res, unauthenticated('missing bearer token'));
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a scheme without a token', 'Bearer'],
    ['two tokens', 'Bearer abc def'],
    ['an empty value', ''],
  ])('answers 401 invalid_request for a malformed header (%s)', async (_, authorization) => {
    const res = await app.request('/me', { headers: { authorization } });
    await expectProblem(res, unauthenticated('malformed Authorization header'));
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_request", error_description="malformed Authorization header"',
    );
  });

  it('accepts the Bearer scheme in any letter case', async () => {
    const { token } = await dev.mint({ sub: 'alice' });
    const res = await app.request('/me', { headers: { authorization: `bEaReR ${token}` } });
    expect(res.status).toBe(200);
  });

  it('answers 401 invalid_token for a token that is not a JWT', async () => {
    const res = await app.request('/me', bearer('not-a-jwt'));
    await expectProblem(res, unauthenticated('malformed token'));
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="malformed token"',
    );
  });

  it('refuses an unsigned alg:none token', async () => {
    const res = await app.request('/me', bearer(unsecuredToken(validClaims({ roles: ['admin'] }))));
    await expectProblem(res, unauthenticated());
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses an HS256 token signed with a shared secret, even with a known kid', async () => {
    const kid = dev.jwks.keys[0]?.kid;
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', kid })
      .sign(new TextEncoder().encode('a-secret-long-enough-for-hmac-sha256!'));
    await expectProblem(await app.request('/me', bearer(token)), unauthenticated('algorithm not allowed'));
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const { token } = await dev.mint({ sub: 'alice', roles: ['customer'] });
    const forged = tamperPayload(token, (payload) => ({ ...payload, roles: ['admin'] }));
    const res = await app.request('/admin', bearer(forged));
    await expectProblem(res, unauthenticated('signature verification failed'));
  });

  it('refuses a token signed by a foreign key that claims the kid of ours', async () => {
    const kid = dev.jwks.keys[0]?.kid ?? 'missing-kid';
    const impostor = await createTokenSigner(kid);
    const token = await impostor.sign(validClaims());
    await expectProblem(
      await app.request('/me', bearer(token)),
      unauthenticated('signature verification failed'),
    );
  });

  it('refuses a token signed with a kid it does not know', async () => {
    const stranger = await createTokenSigner('unknown-kid');
    const token = await stranger.sign(validClaims());
    await expectProblem(await app.request('/me', bearer(token)), unauthenticated('no matching signing key'));
  });

  it('refuses a token expired beyond the clock tolerance', async () => {
    const token = await signer.sign(validClaims({ iat: nowSeconds() - 120, exp: nowSeconds() - 10 }));
    const res = await app.request('/me', bearer(token));
    await expectProblem(res, unauthenticated('token expired'));
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="token expired"',
    );
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const token = await signer.sign(validClaims({ exp: nowSeconds() - 2 }));
    expect((await app.request('/me', bearer(token))).status).toBe(200);
  });

  it('refuses a token from another issuer', async () => {
    const token = await signer.sign(validClaims({ iss: 'https://evil.example' }));
    await expectProblem(await app.request('/me', bearer(token)), unauthenticated('wrong issuer'));
  });

  it('refuses a token for another audience', async () => {
    const token = await signer.sign(validClaims({ aud: 'another-api' }));
    await expectProblem(await app.request('/me', bearer(token)), unauthenticated('wrong audience'));
  });

  it.each([
    ['sub', validClaims({ sub: undefined })],
    ['exp', validClaims({ exp: undefined })],
  ])('refuses a token without "%s"', async (claim, claims) => {
    const token = await signer.sign(claims);
    await expectProblem(await app.request('/me', bearer(token)), unauthenticated(`missing "${claim}" claim`));
  });

  it('answers 403 problem+json when the user has none of the required roles', async () => {
    const { token } = await dev.mint({ sub: 'alice', roles: ['customer'] });
    const res = await app.request('/admin', bearer(token));
    const body = await expectProblem(res, {
      status: 403,
      code: 'AUTH.FORBIDDEN',
      detail: 'requires role admin',
    });
    expect(body.title).toBe('Forbidden');
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('answers 401 from requireRole when no authentication ran', async () => {
    await expectProblem(await app.request('/unguarded-admin'), unauthenticated('authentication required'));
  });

  it('sets the verified user with its roles, dropping unknown ones', async () => {
    const { token } = await dev.mint({ sub: 'bob', roles: ['admin', 'customer'] });
    const me = await app.request('/me', bearer(token));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      sub: 'bob',
      roles: ['admin', 'customer'],
      claims: { iss: TEST_ISSUER },
    });

    const withStrangeRole = await signer.sign(
      validClaims({ sub: 'carol', roles: ['admin', 'superuser', 42] }),
    );
    expect(await (await app.request('/me', bearer(withStrangeRole))).json()).toMatchObject({
      sub: 'carol',
      roles: ['admin'],
    });
    expect((await app.request('/admin', bearer(token))).status).toBe(200);
  });

  describe('Cognito-style tokens', () => {
    const cognitoAccessToken = (overrides: Record<string, unknown>) =>
      signer.sign({
        iss: TEST_ISSUER,
        sub: '3f1c2a9e-0000-4000-8000-00000000cafe',
        client_id: TEST_AUDIENCE,
        token_use: 'access',
        'cognito:groups': ['admin', 'beta-testers'],
        iat: nowSeconds(),
        exp: nowSeconds() + 600,
        ...overrides,
      });

    it('accepts an access token without aud whose client_id is the audience, with roles from cognito:groups', async () => {
      const res = await app.request('/admin', bearer(await cognitoAccessToken({})));
      expect(res.status).toBe(200);
      const me = await app.request('/me', bearer(await cognitoAccessToken({})));
      expect(await me.json()).toMatchObject({ roles: ['admin'], claims: { token_use: 'access' } });
    });

    it('refuses an access token for another app client', async () => {
      const res = await app.request('/me', bearer(await cognitoAccessToken({ client_id: 'other-client' })));
      await expectProblem(res, unauthenticated('wrong audience'));
    });

    it('refuses a token whose aud mismatches even when client_id matches', async () => {
      const res = await app.request('/me', bearer(await cognitoAccessToken({ aud: 'other-client' })));
      await expectProblem(res, unauthenticated('wrong audience'));
    });
  });

  describe('optional mode', () => {
    it('lets a request without Authorization through anonymously', async () => {
      const res = await app.request('/browse');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ sub: null });
    });

    it('still sets the user when a good token is sent', async () => {
      const { token } = await dev.mint({ sub: 'alice' });
      expect(await (await app.request('/browse', bearer(token))).json()).toEqual({ sub: 'alice' });
    });

    it('still answers 401 to a bad token or a malformed header', async () => {
      await expectProblem(
        await app.request('/browse', bearer('not-a-jwt')),
        unauthenticated('malformed token'),
      );
      const basic = await app.request('/browse', { headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } });
      await expectProblem(basic, unauthenticated('malformed Authorization header'));
    });

    it('makes getUser answer 401 when the request is anonymous', async () => {
      await expectProblem(await app.request('/browse/mine'), unauthenticated('authentication required'));
    });
  });
});

describe('jwtAuth with a JWKS served over HTTP', () => {
  let dev: DevIssuer;
  let server: Server;
  let jwksUrl: string;
  let jwksRequests = 0;

  beforeAll(async () => {
    dev = await createDevIssuer({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      jwksRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(dev.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  });

  it('verifies tokens against the fetched key set, fetching it once', async () => {
    const app = buildApp(createJwtVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks: jwksUrl }));
    const alice = await dev.mint({ sub: 'alice' });
    const bob = await dev.mint({ sub: 'bob', roles: ['admin'] });

    const first = await app.request('/me', bearer(alice.token));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ sub: 'alice', roles: ['customer'] });
    expect((await app.request('/admin', bearer(bob.token))).status).toBe(200);
    expect(jwksRequests).toBe(1);

    const forged = tamperPayload(alice.token, (payload) => ({ ...payload, roles: ['admin'] }));
    await expectProblem(
      await app.request('/admin', bearer(forged)),
      unauthenticated('signature verification failed'),
    );
  });

  it('answers 503 AUTH.UNAVAILABLE, not 401, when the key set cannot be fetched', async () => {
    const deadUrl = new URL('/.well-known/missing.json', jwksUrl);
    const app = buildApp(createJwtVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks: deadUrl }));
    const { token } = await dev.mint({ sub: 'alice' });
    const res = await app.request('/me', bearer(token));
    await expectProblem(res, { status: 503, code: 'AUTH.UNAVAILABLE' });
    expect(res.headers.get('retry-after')).toBe('5');
  });
});

describe('middleware factories', () => {
  it('check their options once, at construction', async () => {
    const { publicJwk } = await createTokenSigner('factory-key');
    const options = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks: jwksOf(publicJwk) };
    expect(() => jwtAuth(options)).not.toThrow();
    expect(() => jwtAuth({ ...options, issuer: '' })).toThrow(/"issuer"/);
    expect(() => jwtAuth({ ...options, optional: 'yes' as unknown as boolean })).toThrow(/"optional"/);
    expect(() => jwtAuth({ verifier: {} as JwtVerifier })).toThrow(/"verifier"/);
    expect(() => requireRole()).toThrow(/at least one role/);
    expect(() => requireRole('root' as 'admin')).toThrow(/unknown role "root"/);
  });
});
