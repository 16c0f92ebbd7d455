import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDevIssuer, type DevIssuer } from '../dev-issuer/index.ts';
import { InvalidTokenError } from '../errors/index.ts';
import {
  createTokenSigner,
  jwksOf,
  nowSeconds,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TokenSigner,
  validClaims,
} from '../testing/token-signer.fixture.ts';
import { createJwtVerifier, type JwtAlgorithm, type JwtVerifierOptions } from './jwt-verifier.ts';

const T0 = new Date('2026-11-26T10:00:00Z');

describe('createJwtVerifier', () => {
  let dev: DevIssuer;
  let options: JwtVerifierOptions;

  beforeAll(async () => {
    dev = await createDevIssuer({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    options = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks: dev.jwks };
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('option checks', () => {
    it.each([
      ['issuer', { issuer: '' }],
      ['audience', { audience: 42 }],
      ['jwks', { jwks: 'not a url' }],
      ['jwks', { jwks: 'http://keys.example.com/jwks.json' }],
      ['jwks', { jwks: { keys: [{ kty: 'nonsense' }] } }],
      ['jwks', { jwks: { no: 'keys' } }],
      ['jwks', { jwks: { keys: [] } }],
      ['algorithms', { algorithms: [] }],
      ['algorithms', { algorithms: ['none'] }],
      ['algorithms', { algorithms: ['RS256', 'HS256'] }],
      ['clockToleranceSeconds', { clockToleranceSeconds: -1 }],
      ['clockToleranceSeconds', { clockToleranceSeconds: 3600 }],
      ['cacheSize', { cacheSize: 1.5 }],
    ])('throws a plain Error naming "%s" when it is invalid', (name, bad) => {
      const make = () => createJwtVerifier({ ...options, ...(bad as Partial<JwtVerifierOptions>) });
      expect(make).toThrow(new RegExp(`"${name}"`));
      expect(make).not.toThrow(InvalidTokenError);
    });

    it('accepts an https or loopback http JWKS URL without fetching it', () => {
      expect(() =>
        createJwtVerifier({ ...options, jwks: 'https://cognito-idp.example/jwks.json' }),
      ).not.toThrow();
      expect(() =>
        createJwtVerifier({ ...options, jwks: new URL('http://localhost:3000/jwks') }),
      ).not.toThrow();
    });
  });

  it('refuses an ES256 token when only RS256 is allowed, and accepts it by default', async () => {
    const ec = await createTokenSigner('ec-key', 'ES256');
    const token = await ec.sign(validClaims());
    const rsOnly = createJwtVerifier({ ...options, jwks: jwksOf(ec.publicJwk), algorithms: ['RS256'] });
    await expect(rsOnly.verify(token)).rejects.toMatchObject({
      reason: 'algorithm not allowed',
      status: 401,
    });
    const both = createJwtVerifier({ ...options, jwks: jwksOf(ec.publicJwk) });
    await expect(both.verify(token)).resolves.toMatchObject({ sub: 'alice' });
  });

  it('gives a short public reason and keeps the library error out of the message', async () => {
    const verifier = createJwtVerifier(options);
    const error = await verifier.verify('a.b.c').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).message).toBe('malformed token');
    expect(JSON.stringify((error as InvalidTokenError).problem)).not.toMatch(/JWS|JOSE|jose/);
  });

  it('refuses an oversized token before any parsing', async () => {
    const verifier = createJwtVerifier(options);
    await expect(verifier.verify('a'.repeat(9000))).rejects.toMatchObject({ reason: 'malformed token' });
  });

  it('refuses a token issued further in the future than the clock tolerance, and accepts one within it', async () => {
    const signer = await createTokenSigner('iat-key');
    const verifier = createJwtVerifier({
      ...options,
      jwks: jwksOf(signer.publicJwk),
      clockToleranceSeconds: 5,
    });
    const fromTheFuture = await signer.sign(
      validClaims({ iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 }),
    );
    await expect(verifier.verify(fromTheFuture)).rejects.toMatchObject({
      reason: 'token issued in the future',
      status: 401,
    });
    const slightlyAhead = await signer.sign(validClaims({ iat: nowSeconds() + 2 }));
    await expect(verifier.verify(slightlyAhead)).resolves.toMatchObject({ sub: 'alice' });
  });

  it('returns a frozen user, so a handler cannot alter what the cache shares', async () => {
    const verifier = createJwtVerifier(options);
    const user = await verifier.verify((await dev.mint({ sub: 'alice' })).token);
    expect(Object.isFrozen(user)).toBe(true);
    expect(Object.isFrozen(user.roles)).toBe(true);
    expect(Object.isFrozen(user.claims)).toBe(true);
  });

  it("carries a well-formed `email` claim as the user's email, unless the issuer marked it unverified", async () => {
    const verifier = createJwtVerifier(options);
    const mint = async (claims: Record<string, unknown>) =>
      verifier.verify((await dev.mint({ sub: 'alice', claims })).token);
    await expect(mint({ email: 'alice@example.com' })).resolves.toMatchObject({ email: 'alice@example.com' });
    await expect(mint({ email: 'alice@example.com', email_verified: true })).resolves.toMatchObject({
      email: 'alice@example.com',
    });
    for (const claims of [
      {},
      { email: 'not-an-address' },
      { email: 42 },
      { email: `${'a'.repeat(250)}@example.com` },
      { email: 'alice@example.com', email_verified: false },
      { email: 'alice@example.com', email_verified: 'false' },
    ]) {
      expect((await mint(claims)).email).toBeUndefined();
    }
  });

  describe('verified-token cache', () => {
    let signer: TokenSigner;

    beforeAll(async () => {
      signer = await createTokenSigner('cache-key');
    });

    const verifierWith = (extra: Partial<JwtVerifierOptions> = {}) =>
      createJwtVerifier({ ...options, jwks: jwksOf(signer.publicJwk), ...extra });

    it('answers a repeated token from the cache', async () => {
      const verifier = verifierWith();
      const token = await signer.sign(validClaims());
      const first = await verifier.verify(token);
      expect(await verifier.verify(token)).toBe(first);
    });

    it('verifies every time when the cache is disabled', async () => {
      const verifier = verifierWith({ cacheSize: 0 });
      const token = await signer.sign(validClaims());
      const first = await verifier.verify(token);
      const second = await verifier.verify(token);
      expect(second).not.toBe(first);
      expect(second).toEqual(first);
    });

    it('never serves an entry past its exp, and refuses the token once expired beyond tolerance', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(T0);
      const verifier = verifierWith({ clockToleranceSeconds: 5 });
      const exp = nowSeconds() + 60;
      const token = await signer.sign(validClaims({ exp }));
      const first = await verifier.verify(token);

      vi.setSystemTime((exp - 1) * 1000);
      expect(await verifier.verify(token)).toBe(first);

      // Past exp but inside the tolerance: still accepted, yet re-verified rather than served from the cache.
      vi.setSystemTime((exp + 2) * 1000);
      const late = await verifier.verify(token);
      expect(late).not.toBe(first);
      expect(late.sub).toBe('alice');

      vi.setSystemTime((exp + 6) * 1000);
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'token expired', status: 401 });
    });

    it('refuses a cached token once it expires, with no tolerance', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(T0);
      const verifier = verifierWith({ clockToleranceSeconds: 0 });
      const token = await signer.sign(validClaims({ exp: nowSeconds() + 30 }));
      await verifier.verify(token);
      vi.setSystemTime(T0.getTime() + 30_000);
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
    });

    it('evicts the least recently used entry when full', async () => {
      const verifier = verifierWith({ cacheSize: 2 });
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => signer.sign(validClaims({ sub }))));
      if (a === undefined || b === undefined || c === undefined) throw new Error('tokens missing');
      const userA = await verifier.verify(a);
      const userB = await verifier.verify(b);
      expect(await verifier.verify(a)).toBe(userA);
      await verifier.verify(c);
      expect(await verifier.verify(a)).toBe(userA);
      expect(await verifier.verify(b)).not.toBe(userB);
    });

    it('does not cache refusals', async () => {
      const verifier = verifierWith();
      const token = await signer.sign(validClaims({ aud: 'elsewhere' }));
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'wrong audience' });
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'wrong audience' });
    });
  });

  it.each<[JwtAlgorithm[] | undefined]>([[undefined], [['RS256']]])(
    'verifies dev issuer tokens with algorithms %j',
    async (algorithms) => {
      const verifier = createJwtVerifier({ ...options, algorithms });
      const user = await verifier.verify((await dev.mint({ sub: 'dana', roles: ['admin'] })).token);
      expect(user).toMatchObject({ sub: 'dana', roles: ['admin'] });
      expect(user.claims.exp).toBeGreaterThan(nowSeconds());
    },
  );
});
