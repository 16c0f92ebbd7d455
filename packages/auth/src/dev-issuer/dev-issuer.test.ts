import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIENCE, TEST_ISSUER } from '../testing/token-signer.fixture.ts';
import { createJwtVerifier } from '../verifier/index.ts';
import { createDevIssuer } from './dev-issuer.ts';
import { DevTokenRequest } from './dev-token-request.schema.ts';

const options = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE };

describe('createDevIssuer', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shop-auth-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes only the public half of an RS256 key, with kid, alg and use', async () => {
    const dev = await createDevIssuer(options);
    expect(dev.jwks.keys).toHaveLength(1);
    const [jwk] = dev.jwks.keys;
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(jwk).not.toHaveProperty('d');
    expect(jwk).not.toHaveProperty('p');
  });

  it('generates a different key on each start without a keyFile', async () => {
    const [one, two] = await Promise.all([createDevIssuer(options), createDevIssuer(options)]);
    expect(one.jwks.keys[0]?.kid).not.toBe(two.jwks.keys[0]?.kid);
  });

  it('mints tokens with a kid header, a customer role and one hour of life by default', async () => {
    const dev = await createDevIssuer(options);
    const { token, expiresIn } = await dev.mint({ sub: 'alice' });
    expect(expiresIn).toBe(3600);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: dev.jwks.keys[0]?.kid });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, sub: 'alice', roles: ['customer'] });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(claims.jti).toEqual(expect.any(String));
  });

  it('keeps registered claims and roles under its own control', async () => {
    const dev = await createDevIssuer(options);
    const { token } = await dev.mint({
      sub: 'alice',
      roles: ['customer'],
      claims: { iss: 'https://evil.example', roles: ['admin'], exp: 9_999_999_999, tenant: 'blue' },
    });
    const user = await createJwtVerifier({ ...options, jwks: dev.jwks }).verify(token);
    expect(user.roles).toEqual(['customer']);
    expect(user.claims).toMatchObject({ iss: TEST_ISSUER, tenant: 'blue' });
    expect(user.claims.exp).toBeLessThan(9_999_999_999);
  });

  it('refuses lifetimes beyond 24 hours and unknown roles', async () => {
    const dev = await createDevIssuer(options);
    await expect(dev.mint({ sub: 'alice', expiresInSeconds: 86_401 })).rejects.toThrow(/expiresInSeconds/);
    await expect(dev.mint({ sub: 'alice', roles: ['root' as 'admin'] })).rejects.toThrow(/unknown role/);
    await expect(dev.mint({ sub: '' })).rejects.toThrow(/"sub"/);
    await expect(dev.mint({ sub: 'alice', expiresInSeconds: 86_400 })).resolves.toMatchObject({
      expiresIn: 86_400,
    });
  });

  it('checks its options', async () => {
    await expect(createDevIssuer({ ...options, issuer: '' })).rejects.toThrow(/"issuer"/);
    await expect(createDevIssuer({ ...options, audience: '' })).rejects.toThrow(/"audience"/);
    await expect(createDevIssuer({ ...options, keyFile: '' })).rejects.toThrow(/"keyFile"/);
  });

  it('stores its private key in keyFile (0600) and reuses it, so tokens survive a restart', async () => {
    const keyFile = join(dir, 'nested', 'state', 'dev-issuer-key.json');
    const before = await createDevIssuer({ ...options, keyFile });
    const { token } = await before.mint({ sub: 'alice', roles: ['admin'] });
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const after = await createDevIssuer({ ...options, keyFile });
    expect(after.jwks).toEqual(before.jwks);
    const user = await createJwtVerifier({ ...options, jwks: after.jwks }).verify(token);
    expect(user).toMatchObject({ sub: 'alice', roles: ['admin'] });
  });

  it('refuses a keyFile that holds no private key, rather than overwriting it', async () => {
    const keyFile = join(dir, 'corrupt.json');
    await writeFile(keyFile, '{"kty":"oct"}');
    await expect(createDevIssuer({ ...options, keyFile })).rejects.toThrow(/holds no RSA private JWK/);
  });
});

describe('DevTokenRequest', () => {
  it('defaults roles to customer and leaves the lifetime to the issuer', () => {
    expect(DevTokenRequest.parse({ sub: 'alice@example.com' })).toEqual({
      sub: 'alice@example.com',
      roles: ['customer'],
    });
  });

  it('accepts roles and a lifetime within bounds', () => {
    expect(DevTokenRequest.parse({ sub: 'ops.bob-1', roles: ['admin'], expiresInSeconds: 60 })).toEqual({
      sub: 'ops.bob-1',
      roles: ['admin'],
      expiresInSeconds: 60,
    });
  });

  it('accepts an email address for the email claim', () => {
    expect(DevTokenRequest.parse({ sub: 'alice', email: 'alice@example.com' })).toEqual({
      sub: 'alice',
      roles: ['customer'],
      email: 'alice@example.com',
    });
  });

  it.each([
    ['an email that is no address', { sub: 'alice', email: 'alice' }],
    ['an empty sub', { sub: '' }],
    ['a sub with spaces', { sub: 'al ice' }],
    ['a sub longer than 128', { sub: 'a'.repeat(129) }],
    ['an unknown role', { sub: 'alice', roles: ['root'] }],
    ['a lifetime under 60 s', { sub: 'alice', expiresInSeconds: 59 }],
    ['a lifetime over 24 h', { sub: 'alice', expiresInSeconds: 86_401 }],
    ['a fractional lifetime', { sub: 'alice', expiresInSeconds: 90.5 }],
  ])('rejects %s', (_, body) => {
    expect(DevTokenRequest.safeParse(body).success).toBe(false);
  });
});
