import { createJwtVerifier } from '@shop/auth';
import { type DevIssuer, DevTokenRequest } from '@shop/auth/dev-issuer';
import { buildOpenApiDocument } from '@shop/platform/http';
import { httpRoutesOf, type ServiceDefinition } from '@shop/platform/service';
import { createBuiltinRoutes, createGateway, type Gateway, type GatewayRoute } from '../gateway/index.ts';
import type { LambdaInvoker } from '../lambda/lambda.types.ts';

export const API_TITLE = 'Shop API';

export interface ShopApiOptions {
  readonly services: readonly ServiceDefinition[];
  readonly invoker: LambdaInvoker;
  readonly devIssuer: DevIssuer;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly log: (line: string) => void;
}

/**
 * The HTTP API, as the CDK app's `ShopApi` construct declares it: every function's routes with the
 * JWT authorizer where a route needs it, CORS, throttling, and the local built-ins (health, the API
 * document and reference, dev tokens and their JWKS).
 */
export const createShopApi = (options: ShopApiOptions): Gateway => {
  const functions = options.services.flatMap((service) => service.functions);
  const routes: GatewayRoute[] = functions.flatMap((fn) =>
    httpRoutesOf(fn).map((route) => ({ ...route, functionName: fn.name })),
  );
  const openapi = buildOpenApiDocument(
    functions.flatMap((fn) => fn.triggers.flatMap((t) => (t.type === 'http' ? t.routes : []))),
    {
      title: API_TITLE,
      version: '1.0.0',
      description: 'The public REST API of Shop. Errors are RFC 9457 problem details.',
    },
  );
  const { devIssuer } = options;
  const verifier = createJwtVerifier({
    issuer: devIssuer.issuer,
    audience: devIssuer.audience,
    jwks: devIssuer.jwks,
  });
  return createGateway({
    routes,
    invoker: options.invoker,
    authorize: async (token) => (await verifier.verify(token)).claims,
    builtins: createBuiltinRoutes({
      openapi: () => openapi,
      devIssuer,
      parseDevTokenRequest: (body) => DevTokenRequest.parse(body),
      title: API_TITLE,
    }),
    cors: {
      allowOrigins: '*',
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-cart-token', 'x-correlation-id'],
      exposeHeaders: ['location', 'retry-after', 'x-request-id', 'x-correlation-id'],
      maxAgeSeconds: 600,
      allowCredentials: false,
    },
    throttle: options.throttle,
    log: options.log,
  });
};
