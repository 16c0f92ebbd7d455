import type { Context } from 'hono';
import { UnauthenticatedError } from '../errors/auth.errors.ts';
import type { AuthUser } from '../verifier/jwt-verifier.ts';

/** Hono variables set by `jwtAuth`: `new Hono<{ Variables: AuthVariables }>()`. */
export type AuthVariables = { user?: AuthUser };

/** A Hono env carrying {@link AuthVariables}. */
export type AuthEnv = { Variables: AuthVariables };

const isAuthUser = (value: unknown): value is AuthUser =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { sub?: unknown }).sub === 'string' &&
  Array.isArray((value as { roles?: unknown }).roles);

/**
 * The authenticated caller of this request; throws `UnauthenticatedError` (401) when there is
 * none, e.g. on a route behind `jwtAuth({ optional: true })` that needs a signed-in user.
 */
export const getUser = (c: Context): AuthUser => {
  const user: unknown = c.get('user');
  if (!isAuthUser(user)) throw new UnauthenticatedError();
  return user;
};
