export { type AuthEnv, type AuthVariables, getUser } from './auth-variables.ts';
export { type JwtAuthOptions, jwtAuth } from './jwt-auth.middleware.ts';
export { requireRole } from './require-role.middleware.ts';
