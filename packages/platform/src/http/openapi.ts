import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';

// Not imported by any function: `@hono/zod-openapi` brings zod-to-openapi, openapi3-ts and zod's
// whole `z` object. The gateway (and anything else that publishes the document) imports this entry,
// `@shop/platform/http/openapi`, and feeds it the route configs the functions validate with.

export interface ApiInfo {
  readonly title: string;
  readonly version: string;
  /** The introduction (CommonMark): what the API is, how to get a token. */
  readonly description?: string;
  readonly serverUrl?: string;
  readonly serverDescription?: string;
  readonly license?: { readonly name: string; readonly identifier?: string; readonly url?: string };
}

/**
 * One OpenAPI 3.1 document from the route configs of every service (the gateway serves it). A route
 * that declares no `security` is public, and says so (`security: []`): the gateway attaches no
 * authorizer to it either.
 */
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
  for (const route of routes) registry.registerPath({ ...route, security: route.security ?? [] });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
      ...(info.license ? { license: info.license } : {}),
    },
    ...(info.serverUrl
      ? {
          servers: [
            {
              url: info.serverUrl,
              ...(info.serverDescription ? { description: info.serverDescription } : {}),
            },
          ],
        }
      : {}),
  });
};
