export { type Auth, createAuth } from './auth.ts';
export {
  type AppEnv,
  type AppVariables,
  aboutOrder,
  createApp,
  renderError,
  ServiceApp,
} from './create-app.ts';
export { createHttpHandler } from './lambda-handler.ts';
export {
  BEARER_AUTH,
  BEARER_OR_CART_TOKEN,
  createRoute,
  jsonBody,
  jsonResponse,
  problemResponses,
} from './route-config.ts';
export type { ValidationHook, ValidationResult } from './route-validation.ts';
