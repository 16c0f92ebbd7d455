import { OpenAPIHono, type RouteConfig, type z } from '@hono/zod-openapi';
import { Problem } from '@shop/contracts';

/** Security requirement of routes that need a signed-in user (a JWT from the identity provider). */
export const BEARER_AUTH = [{ bearerAuth: [] }] as const satisfies RouteConfig['security'];

/** Routes open to a signed-in customer or a guest holding a cart token. */
export const BEARER_OR_CART_TOKEN = [
  { bearerAuth: [] },
  { cartToken: [] },
] as const satisfies RouteConfig['security'];

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const problemDescriptions: Record<number, string> = {
  400: 'The request is malformed or fails validation (see `errors`).',
  401: 'No valid bearer token.',
  403: 'The token lacks the role this operation needs.',
  404: 'The resource does not exist (or belongs to someone else).',
  409: 'The request conflicts with the current state of the resource.',
  413: 'The body is larger than the API accepts.',
  422: 'The request is well-formed but cannot be processed.',
  429: 'Too many requests; retry after the `Retry-After` seconds.',
  503: 'A dependency is unavailable; retry later.',
};

/** Problem+json responses for the given statuses, for a route's `responses`. */
export const problemResponses = <const S extends readonly number[]>(...statuses: S) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemDescriptions[status] ?? 'Error',
        content: { 'application/problem+json': { schema: Problem } },
      },
    ]),
  ) as {
    [K in S[number]]: {
      description: string;
      content: { 'application/problem+json': { schema: typeof Problem } };
    };
  };

export interface ApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly serverUrl?: string;
}

/** One OpenAPI 3.1 document from the route configs of every service (the gateway serves it). */
export const buildOpenApiDocument = (routes: readonly RouteConfig[], info: ApiInfo) => {
  const app = new OpenAPIHono();
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token of the identity provider (locally: POST /dev/token).',
  });
  registry.registerComponent('securitySchemes', 'cartToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Cart-Token',
    description: 'The token of a guest cart, from POST /carts.',
  });
  for (const route of routes) registry.registerPath(route);
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
  });
};
