export {
  AuthError,
  AuthUnavailableError,
  ForbiddenError,
  InvalidTokenError,
  UnauthenticatedError,
} from './errors/index.ts';
export {
  type AuthEnv,
  type AuthVariables,
  getUser,
  type JwtAuthOptions,
  jwtAuth,
  requireRole,
} from './middleware/index.ts';
export { isRole, Role } from './roles/index.ts';
export {
  type AuthUser,
  createJwtVerifier,
  type JwtAlgorithm,
  type JwtVerifier,
  type JwtVerifierOptions,
} from './verifier/index.ts';
