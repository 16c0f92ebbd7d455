import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthenticatedError } from '../errors/auth.errors.ts';
import { isRole, type Role } from '../roles/role.schema.ts';
import type { AuthEnv } from './auth-variables.ts';

/**
 * Lets the request through when the user (set by `jwtAuth`) holds at least one of `roles`:
 * 401 without a user, 403 with a user lacking them.
 *
 * @example app.post('/products', requireRole('admin'), createProduct)
 */
export const requireRole = (...roles: Role[]): MiddlewareHandler<AuthEnv> => {
  if (roles.length === 0) throw new Error('requireRole: at least one role is required');
  for (const role of roles) {
    if (!isRole(role)) throw new Error(`requireRole: unknown role "${String(role)}"`);
  }
  const required: readonly Role[] = [...new Set(roles)];
  const detail = `requires role ${required.join(' or ')}`;

  return async function requireRole(c, next) {
    const user = c.get('user');
    if (user === undefined) throw new UnauthenticatedError();
    if (!required.some((role) => user.roles.includes(role))) throw new ForbiddenError(detail);
    await next();
  };
};
