import {
  base64url,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

export const TEST_ISSUER = 'https://issuer.shop.test';
export const TEST_AUDIENCE = 'shop-api';

/** A key pair of our own, for tokens the dev issuer will not mint (expired, wrong issuer, Cognito-shaped). */
export type TokenSigner = {
  kid: string;
  publicJwk: JWK;
  sign(payload: JWTPayload, header?: { kid?: string; alg?: 'RS256' | 'ES256' }): Promise<string>;
};

export const createTokenSigner = async (
  kid: string,
  alg: 'RS256' | 'ES256' = 'RS256',
): Promise<TokenSigner> => {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    publicJwk,
    sign: (payload, header = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg, kid: header.kid ?? kid, typ: 'JWT' }).sign(privateKey),
  };
};

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Claims of a valid token for {@link TEST_ISSUER} / {@link TEST_AUDIENCE}, to be overridden per test. */
export const validClaims = (overrides: JWTPayload = {}): JWTPayload => ({
  iss: TEST_ISSUER,
  aud: TEST_AUDIENCE,
  sub: 'alice',
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  roles: ['customer'],
  ...overrides,
});

const encodeJson = (value: unknown): string => base64url.encode(JSON.stringify(value));

/** An unsigned `alg: none` token, the oldest trick against JWT libraries. */
export const unsecuredToken = (payload: JWTPayload): string =>
  `${encodeJson({ alg: 'none', typ: 'JWT' })}.${encodeJson(payload)}.`;

/** The same token with its payload replaced and its original signature kept. */
export const tamperPayload = (token: string, change: (payload: JWTPayload) => JWTPayload): string => {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error('not a JWS');
  const decoded = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload;
  return `${header}.${encodeJson(change(decoded))}.${signature}`;
};

export const jwksOf = (...keys: JWK[]): JSONWebKeySet => ({ keys });
