import { errors, jwtVerify, SignJWT } from 'jose';
import * as z from 'zod';
import { InvalidCartTokenError } from '../domain/cart.errors.ts';
import type { CartTokens, IssuedCartToken } from '../domain/cart-token.port.ts';

/** `iss` and `aud` of guest cart tokens: they open a cart and nothing else. */
export const CART_TOKEN_ISSUER = 'shop-cart';
export const CART_TOKEN_AUDIENCE = 'shop-cart';
/** HMAC-SHA256 wants a key of at least its output size. */
export const MIN_CART_TOKEN_SECRET_LENGTH = 32;
/** Verified tokens kept per execution environment (a guest sends the same token with every request). */
export const VERIFIED_CART_TOKEN_CACHE_SIZE = 1000;

export interface JoseCartTokensOptions {
  readonly secret: string;
  readonly ttlSeconds: number;
  /** Defaults to the system clock; verification uses it too. */
  readonly clock?: () => Date;
}

const CartIdClaim = z.uuid();
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Guest cart tokens: compact JWS signed with HS256 under the service's secret, `sub` = cart id,
 * expiring with the cart. Only the cart service signs and verifies them, so a shared secret is
 * enough, and `HS256` keeps them from ever passing for an identity token (those are RS256/ES256).
 */
export const createJoseCartTokens = (options: JoseCartTokensOptions): CartTokens => {
  if (options.secret.length < MIN_CART_TOKEN_SECRET_LENGTH) {
    throw new Error(`the cart token secret must be at least ${MIN_CART_TOKEN_SECRET_LENGTH} characters`);
  }
  const key = new TextEncoder().encode(options.secret);
  const clock = options.clock ?? (() => new Date());
  // jose's HMAC check goes through WebCrypto (~250 µs); a token already verified is good until it expires.
  const verified = new Map<string, { cartId: string; expiresAt: number }>();
  const remember = (token: string, cartId: string, expiresAt: number) => {
    if (verified.size >= VERIFIED_CART_TOKEN_CACHE_SIZE) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(token, { cartId, expiresAt });
  };

  return {
    async issue(cartId: string, now: Date): Promise<IssuedCartToken> {
      const expiresAt = new Date((seconds(now) + options.ttlSeconds) * 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(cartId)
        .setIssuer(CART_TOKEN_ISSUER)
        .setAudience(CART_TOKEN_AUDIENCE)
        .setIssuedAt(seconds(now))
        .setExpirationTime(seconds(expiresAt))
        .sign(key);
      return { token, expiresAt };
    },

    async verify(token: string): Promise<{ cartId: string }> {
      const cached = verified.get(token);
      if (cached) {
        if (seconds(clock()) < cached.expiresAt) return { cartId: cached.cartId };
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: CART_TOKEN_ISSUER,
          audience: CART_TOKEN_AUDIENCE,
          requiredClaims: ['sub', 'exp'],
          currentDate: clock(),
        });
        const cartId = CartIdClaim.safeParse(payload.sub);
        if (!cartId.success) throw new InvalidCartTokenError();
        if (typeof payload.exp === 'number') remember(token, cartId.data, payload.exp);
        return { cartId: cartId.data };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new InvalidCartTokenError('the cart token has expired');
        if (error instanceof errors.JOSEError || error instanceof InvalidCartTokenError) {
          throw new InvalidCartTokenError();
        }
        throw error;
      }
    },
  };
};
