import {
  createJwtVerifier,
  type JwtVerifier,
  type JwtVerifierOptions,
  jwtAuth,
  requireRole,
} from '@shop/auth';

/**
 * The auth middleware of a service app, built once per function from one verifier so that every route
 * shares its cache of verified tokens.
 *
 * @example
 * const auth = createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL });
 * app.openapi({ ...createProductRoute, middleware: [auth.authenticate, auth.requireRole('admin')] }, ...);
 */
export const createAuth = (options: JwtVerifierOptions | { verifier: JwtVerifier }) => {
  const verifier = 'verifier' in options ? options.verifier : createJwtVerifier(options);
  return {
    verifier,
    /** 401 without a valid bearer token. */
    authenticate: jwtAuth({ verifier }),
    /** Lets anonymous requests through; a bad token is still a 401. */
    authenticateOptional: jwtAuth({ verifier, optional: true }),
    requireRole,
  };
};

export type Auth = ReturnType<typeof createAuth>;
