import type { MiddlewareHandler } from 'hono';
import { UnauthenticatedError } from '../errors/auth.errors.ts';
import { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions } from '../verifier/jwt-verifier.ts';
import type { AuthEnv } from './auth-variables.ts';

/** Options of {@link jwtAuth}: a verifier to share, or the options to build one. */
export type JwtAuthOptions = (JwtVerifierOptions | { verifier: JwtVerifier }) & {
  /** Let requests without an `Authorization` header through anonymously; a bad token is still a 401. */
  optional?: boolean;
};

// RFC 6750 section 2.1: the scheme is case-insensitive, the credentials a b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Authenticates `Authorization: Bearer <jwt>` and sets `c.get('user')`. A missing header is a 401
 * (unless `optional`), a malformed header or refused token always a 401, both as problem+json.
 *
 * @example
 * const app = new Hono<{ Variables: AuthVariables }>();
 * app.use('/orders/*', jwtAuth({ issuer, audience, jwks: jwksUrl }));
 * app.get('/orders', requireRole('customer', 'admin'), (c) => c.json(listOrders(getUser(c).sub)));
 */
export const jwtAuth = (options: JwtAuthOptions): MiddlewareHandler<AuthEnv> => {
  if (typeof options !== 'object' || options === null) throw new Error('jwtAuth: options are required');
  if (options.optional !== undefined && typeof options.optional !== 'boolean') {
    throw new Error('jwtAuth: "optional" must be a boolean');
  }
  let verifier: JwtVerifier;
  if ('verifier' in options) {
    if (typeof options.verifier?.verify !== 'function') {
      throw new Error('jwtAuth: "verifier" must have a verify()');
    }
    verifier = options.verifier;
  } else {
    verifier = createJwtVerifier(options);
  }
  const optional = options.optional === true;

  return async function jwtAuth(c, next) {
    const header = c.req.header('authorization');
    if (header === undefined) {
      if (optional) return next();
      throw new UnauthenticatedError('missing bearer token');
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      throw new UnauthenticatedError('malformed Authorization header', { error: 'invalid_request' });
    }
    c.set('user', await verifier.verify(token));
    await next();
  };
};
