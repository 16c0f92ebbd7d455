import { EnvError } from '@shop/platform/env';
import { describe, expect, it } from 'vitest';
import { parseHttpEnv } from '../src/env.ts';

const base = {
  SERVICE_NAME: 'cart',
  TABLE_NAME: 'shop-cart',
  AUTH_ISSUER: 'https://shop.test',
  AUTH_AUDIENCE: 'shop',
  AUTH_JWKS_URL: 'https://shop.test/.well-known/jwks.json',
  CATALOG_LOOKUP_SKUS_FUNCTION_NAME: 'catalog-lookup-skus',
  PROMOTIONS_CHECK_PROMOTION_FUNCTION_NAME: 'promotions-check-promotion',
};

describe('the HTTP function environment', () => {
  it('accepts a generated secret and refuses a short or missing one, naming the variable', () => {
    expect(
      parseHttpEnv({ ...base, CART_TOKEN_SECRET: 's'.repeat(48) }).CATALOG_LOOKUP_SKUS_FUNCTION_NAME,
    ).toBe('catalog-lookup-skus');
    expect(() => parseHttpEnv({ ...base, CART_TOKEN_SECRET: 'short' })).toThrow(/CART_TOKEN_SECRET/);
    expect(() => parseHttpEnv(base)).toThrow(EnvError);
  });
});
