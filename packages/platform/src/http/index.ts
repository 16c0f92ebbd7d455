export { type Auth, createAuth } from './auth.ts';
export { type AppEnv, type AppVariables, aboutOrder, createApp, renderError } from './create-app.ts';
export { createHttpHandler } from './lambda-handler.ts';
export {
  type ApiInfo,
  BEARER_AUTH,
  BEARER_OR_CART_TOKEN,
  buildOpenApiDocument,
  jsonBody,
  jsonResponse,
  problemResponses,
} from './openapi.ts';
