import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidCartTokenError } from '../src/domain/cart.errors.ts';
import {
  CART_TOKEN_AUDIENCE,
  CART_TOKEN_ISSUER,
  createJoseCartTokens,
} from '../src/infrastructure/jose-cart.tokens.ts';

const SECRET = 'a-secret-for-cart-token-tests-32-chars!';
const cartId = '0b6e4f4e-7c1d-4c5e-9f5a-2d4c9a1e3b7f';
const key = new TextEncoder().encode(SECRET);

describe('cart tokens', () => {
  it('issues a token that verifies to its cart id and expires with the ttl', async () => {
    const tokens = createJoseCartTokens({ secret: SECRET, ttlSeconds: 3600 });
    const now = new Date();
    const { token, expiresAt } = await tokens.issue(cartId, now);
    expect(await tokens.verify(token)).toEqual({ cartId });
    expect(Math.round((expiresAt.getTime() - now.getTime()) / 1000)).toBeGreaterThanOrEqual(3599);
  });

  it('refuses a token once it has expired', async () => {
    let now = new Date('2026-01-01T00:00:00.000Z');
    const tokens = createJoseCartTokens({ secret: SECRET, ttlSeconds: 60, clock: () => now });
    const { token } = await tokens.issue(cartId, now);
    now = new Date('2026-01-01T00:01:01.000Z');
    await expect(tokens.verify(token)).rejects.toThrow('the cart token has expired');
  });

  it('refuses a token it verified before once it has expired', async () => {
    let now = new Date('2026-01-01T00:00:00.000Z');
    const tokens = createJoseCartTokens({ secret: SECRET, ttlSeconds: 60, clock: () => now });
    const { token } = await tokens.issue(cartId, now);
    expect(await tokens.verify(token)).toEqual({ cartId });
    now = new Date('2026-01-01T00:00:59.000Z');
    expect(await tokens.verify(token)).toEqual({ cartId });
    now = new Date('2026-01-01T00:01:01.000Z');
    await expect(tokens.verify(token)).rejects.toThrow('the cart token has expired');
  });

  it.each([
    [
      'signed with another secret',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(cartId)
          .setIssuer(CART_TOKEN_ISSUER)
          .setAudience(CART_TOKEN_AUDIENCE)
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode('x'.repeat(40))),
    ],
    [
      'for another audience',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(cartId)
          .setIssuer(CART_TOKEN_ISSUER)
          .setAudience('shop')
          .setExpirationTime('1h')
          .sign(key),
    ],
    [
      'without an expiry',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(cartId)
          .setIssuer(CART_TOKEN_ISSUER)
          .setAudience(CART_TOKEN_AUDIENCE)
          .sign(key),
    ],
    [
      'whose subject is not a cart id',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice')
          .setIssuer(CART_TOKEN_ISSUER)
          .setAudience(CART_TOKEN_AUDIENCE)
          .setExpirationTime('1h')
          .sign(key),
    ],
    [
      'unsigned (alg none)',
      async () =>
        new UnsecuredJWT({})
          .setSubject(cartId)
          .setIssuer(CART_TOKEN_ISSUER)
          .setAudience(CART_TOKEN_AUDIENCE)
          .setExpirationTime('1h')
          .encode(),
    ],
    ['not a JWT at all', async () => 'abc.def.ghi'],
  ])('refuses a token %s', async (_, make) => {
    const tokens = createJoseCartTokens({ secret: SECRET, ttlSeconds: 60 });
    await expect(tokens.verify(await make())).rejects.toBeInstanceOf(InvalidCartTokenError);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => createJoseCartTokens({ secret: 'short', ttlSeconds: 60 })).toThrow(/at least 32/);
  });
});
