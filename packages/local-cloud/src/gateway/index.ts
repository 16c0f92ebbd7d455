export {
  type BuiltinRoutesOptions,
  builtinRouteConfigs,
  createBuiltinRoutes,
  type DevTokenInput,
  type DevTokenIssuer,
} from './builtin-routes.app.ts';
export { type CorsPolicy, createCorsPolicy } from './cors.policy.ts';
export { type GatewayResponse, problemResponse } from './gateway.problem.ts';
export { createGateway, DEFAULT_API_ID, DEFAULT_MAX_BODY_BYTES, type Gateway } from './gateway.server.ts';
export type {
  BuiltinHandler,
  CorsOptions,
  GatewayOptions,
  GatewayRoute,
  HttpApiEventV2,
  HttpApiJwtAuthorizerContext,
  JwtAuthorize,
  RouteMethod,
  ThrottleOptions,
} from './gateway.types.ts';
export {
  formatRequestTime,
  type IncomingApiRequest,
  isTextContentType,
  newRequestId,
  toHttpApiEvent,
} from './http-api-event.mapper.ts';
export { bearerToken, flattenClaims } from './jwt.authorizer.ts';
export { fromLambdaResult } from './lambda-result.mapper.ts';
export { createRouteMatcher, InvalidRouteError, type RouteMatch } from './route.matcher.ts';
export { createTokenBucket } from './token-bucket.throttle.ts';
