export {
  AuthError,
  AuthUnavailableError,
  ForbiddenError,
  InvalidTokenError,
  UnauthenticatedError,
} from './auth.errors.ts';
