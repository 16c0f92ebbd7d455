export { AuthEnv, EnvError, lazyEnv, PlatformEnv, parseEnv } from './env/index.ts';
export {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  fieldErrorsOf,
  INTERNAL_PROBLEM,
  NotFoundError,
  problemOf,
  problemResponse,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
  validationErrorOf,
} from './errors/index.ts';
export {
  type ApiInfo,
  type AppEnv,
  type AppVariables,
  type Auth,
  BEARER_AUTH,
  BEARER_OR_CART_TOKEN,
  buildOpenApiDocument,
  createApp,
  createAuth,
  jsonBody,
  jsonResponse,
  problemResponses,
  renderError,
} from './http/index.ts';
export {
  CORRELATION_HEADER,
  flushMetrics,
  getLogger,
  getMetrics,
  METRICS_NAMESPACE,
} from './observability/index.ts';
