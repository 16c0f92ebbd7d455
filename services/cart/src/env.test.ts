import { EnvError } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { DEV_CART_TOKEN_SECRET } from './dev-cart-token.secret.ts';
import { parseHttpEnv } from './env.ts';

const base = {
  SERVICE_NAME: 'cart',
  TABLE_NAME: 'shop-cart',
  AUTH_ISSUER: 'https://shop.test',
  AUTH_AUDIENCE: 'shop',
  AUTH_JWKS_URL: 'https://shop.test/.well-known/jwks.json',
  CATALOG_LOOKUP_SKUS_FUNCTION_NAME: 'catalog-lookup-skus',
};

describe('the HTTP function environment', () => {
  it('accepts the dev-only cart token secret against a local AWS endpoint', () => {
    const env = parseHttpEnv({
      ...base,
      CART_TOKEN_SECRET: DEV_CART_TOKEN_SECRET,
      AWS_ENDPOINT_URL: 'http://localhost:4566',
    });
    expect(env.CART_TOKEN_SECRET).toBe(DEV_CART_TOKEN_SECRET);
  });

  it('refuses the dev-only secret in AWS (no local endpoint), naming the variable', () => {
    expect(() => parseHttpEnv({ ...base, CART_TOKEN_SECRET: DEV_CART_TOKEN_SECRET })).toThrow(EnvError);
    expect(() =>
      parseHttpEnv({
        ...base,
        CART_TOKEN_SECRET: DEV_CART_TOKEN_SECRET,
        AWS_ENDPOINT_URL: 'https://lambda.example.com',
      }),
    ).toThrow(/CART_TOKEN_SECRET/);
  });

  it('accepts a real secret anywhere and refuses a short or missing one', () => {
    expect(
      parseHttpEnv({ ...base, CART_TOKEN_SECRET: 's'.repeat(48) }).CATALOG_LOOKUP_SKUS_FUNCTION_NAME,
    ).toBe('catalog-lookup-skus');
    expect(() => parseHttpEnv({ ...base, CART_TOKEN_SECRET: 'short' })).toThrow(/CART_TOKEN_SECRET/);
    expect(() => parseHttpEnv(base)).toThrow(/CART_TOKEN_SECRET is missing/);
  });
});
