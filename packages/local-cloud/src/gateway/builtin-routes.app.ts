import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';
import { jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';
import { Hono } from 'hono';
import * as z from 'zod';
import { apiReferencePage, serveApiReferenceAsset } from './api-reference.page.ts';
import type { BuiltinHandler } from './gateway.types.ts';

/** What `POST /dev/token` accepts. */
export interface DevTokenInput {
  readonly sub: string;
  readonly roles?: readonly string[];
  readonly expiresInSeconds?: number;
  /** Extra claims of the token, e.g. `email`. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** The part of the local dev token issuer (`@shop/auth`'s `createDevIssuer`) the gateway serves. */
export interface DevTokenIssuer {
  readonly jwks: object;
  mint(input: DevTokenInput): Promise<{ readonly token: string; readonly expiresIn: number }>;
}

export interface BuiltinRoutesOptions {
  /** The OpenAPI document served at `/openapi.json` (called per request, so it may be lazy). */
  readonly openapi: () => object;
  /** Enables `POST /dev/token` and `GET /.well-known/jwks.json`; absent, both are left to the routes. */
  readonly devIssuer?: DevTokenIssuer;
  /** Validates the `/dev/token` body; throws (a zod error, ideally) when it is bad. */
  readonly parseDevTokenRequest?: (body: unknown) => DevTokenInput;
  /** Title of the `/docs` page. */
  readonly title?: string;
}

const DefaultDevTokenRequest = z.object({
  sub: z.string().min(1),
  roles: z.array(z.string().min(1)).optional(),
  expiresInSeconds: z.number().int().positive().max(86_400).optional(),
});

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const issuesOf = (error: unknown): readonly IssueLike[] => {
  if (typeof error !== 'object' || error === null || !('issues' in error) || !Array.isArray(error.issues))
    return [];
  return error.issues.filter(
    (issue): issue is IssueLike =>
      typeof issue === 'object' &&
      issue !== null &&
      Array.isArray(issue.path) &&
      typeof issue.message === 'string',
  );
};

const validationProblem = (detail: string, error?: unknown): Response => {
  const errors = issuesOf(error).map((issue) => ({
    pointer: `/body${issue.path.map((part) => `/${String(part)}`).join('')}`,
    detail: issue.message,
  }));
  return new Response(
    JSON.stringify({
      type: `${PROBLEM_TYPE_BASE}validation`,
      title: 'Bad Request',
      status: 400,
      detail,
      ...(errors.length > 0 ? { errors } : {}),
    }),
    { status: 400, headers: { 'content-type': PROBLEM_CONTENT_TYPE } },
  );
};

const tags = ['Local gateway'];

const HealthStatus = z
  .object({ status: z.literal('ok') })
  .meta({ id: 'HealthStatus', example: { status: 'ok' } });

const DevToken = z
  .object({
    token: z.string().meta({ description: 'A signed JWT: send it as `Authorization: Bearer <token>`.' }),
    expiresIn: z.number().int().positive().meta({ description: 'Seconds until it expires.' }),
  })
  .meta({
    id: 'DevToken',
    example: {
      token:
        'eyJhbGciOiJSUzI1NiIsImtpZCI6ImRldi0xIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSIsInJvbGVzIjpbImN1c3RvbWVyIl19.c2lnbmF0dXJl',
      expiresIn: 3600,
    },
  });

const JsonWebKeySet = z
  .object({
    keys: z.array(
      z.looseObject({
        kty: z.string(),
        kid: z.string().optional(),
        alg: z.string().optional(),
        use: z.string().optional(),
      }),
    ),
  })
  .meta({
    id: 'JsonWebKeySet',
    description: 'RFC 7517 key set: the public keys that verify dev tokens.',
    example: {
      keys: [{ kty: 'RSA', kid: 'dev-1', alg: 'RS256', use: 'sig', n: 'sXch6vZ3...', e: 'AQAB' }],
    },
  });

const OpenApiDocument = z
  .looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({
    id: 'OpenApiDocument',
    example: { openapi: '3.1.0', info: { title: 'Shop API', version: '1.0.0' }, paths: {} },
  });

const throttled = problemResponses(429);

/**
 * The OpenAPI route configs of {@link createBuiltinRoutes}'s endpoints, to document them beside the
 * services' routes. `devTokenRequest` is the schema `POST /dev/token` validates its body with; without
 * it, the dev-token endpoints are left out (as they are from the gateway).
 */
export const builtinRouteConfigs = (
  options: { readonly devTokenRequest?: z.ZodType } = {},
): RouteConfig[] => [
  createRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Whether the gateway answers',
    tags,
    responses: { 200: jsonResponse(HealthStatus, 'The gateway is up'), ...throttled },
  }),
  createRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tags,
    responses: { 200: jsonResponse(OpenApiDocument, 'The OpenAPI 3.1 document of the API'), ...throttled },
  }),
  createRoute({
    method: 'get',
    path: '/docs',
    operationId: 'apiReference',
    summary: 'The API reference page, rendered from this document',
    tags,
    responses: {
      200: {
        description: 'An HTML page',
        content: { 'text/html': { schema: z.string(), example: '<!doctype html><html>...</html>' } },
      },
      ...throttled,
    },
  }),
  ...(options.devTokenRequest
    ? [
        createRoute({
          method: 'post',
          path: '/dev/token',
          operationId: 'devToken',
          summary: 'A signed token for any user and roles (local only; in AWS, sign in with Cognito)',
          description:
            'Mints a JWT signed by the local dev key, for the `bearerAuth` scheme. `roles` defaults to `["customer"]`; `["admin"]` may manage products and stock and read every order.',
          tags,
          request: { body: jsonBody(options.devTokenRequest) },
          responses: {
            200: jsonResponse(DevToken, 'The token and its lifetime'),
            ...problemResponses(400, 429),
          },
        }),
        createRoute({
          method: 'get',
          path: '/.well-known/jwks.json',
          operationId: 'devJwks',
          summary: 'The public keys of the local dev issuer (local only)',
          tags,
          responses: { 200: jsonResponse(JsonWebKeySet, 'The key set'), ...throttled },
        }),
      ]
    : []),
];

/**
 * The gateway's own endpoints, as a `builtins` hook for {@link createGateway}: `GET /` (a redirect to
 * `/docs`), `GET /health`,
 * `GET /openapi.json`, `GET /docs` (an API reference page served from the repository's own
 * packages, so it renders without a network), and with a dev issuer `POST /dev/token`
 * and `GET /.well-known/jwks.json`. Any other request resolves to `undefined` and goes on to the routes.
 *
 * @example
 * createGateway({ routes, invoker, builtins: createBuiltinRoutes({ openapi: () => doc, devIssuer }) });
 */
export const createBuiltinRoutes = (options: BuiltinRoutesOptions): BuiltinHandler => {
  const parse = options.parseDevTokenRequest ?? ((body: unknown) => DefaultDevTokenRequest.parse(body));
  const unmatched = new WeakSet<Response>();
  const app = new Hono();

  // The API's address in a browser shows the API reference.
  app.get('/', (c) => c.redirect('/docs', 302));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/openapi.json', (c) => c.json(options.openapi()));
  app.get('/docs', (c) => c.html(apiReferencePage(options.title ?? 'Shop API reference', '/openapi.json')));
  app.get('/docs/assets/:file', (c) => serveApiReferenceAsset(c.req.param('file')));

  const issuer = options.devIssuer;
  if (issuer) {
    app.get('/.well-known/jwks.json', (c) => c.json(issuer.jwks, 200, { 'cache-control': 'max-age=300' }));
    app.post('/dev/token', async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return validationProblem('The body must be a JSON object: {"sub": "...", "roles": ["customer"]}');
      }
      let input: DevTokenInput;
      try {
        input = parse(body);
      } catch (error) {
        return validationProblem('The body is not a valid dev token request', error);
      }
      return c.json(await issuer.mint(input));
    });
  }

  app.notFound(() => {
    const response = new Response(null, { status: 404 });
    unmatched.add(response);
    return response;
  });
  app.onError((error) => {
    console.error('[gateway] built-in endpoint failed', error);
    return new Response(
      JSON.stringify({
        type: `${PROBLEM_TYPE_BASE}internal`,
        title: 'Internal Server Error',
        status: 500,
        detail: 'The local gateway failed to handle the request',
      }),
      { status: 500, headers: { 'content-type': PROBLEM_CONTENT_TYPE } },
    );
  });

  return async function builtinRoutes(request) {
    const response = await app.fetch(request);
    return unmatched.has(response) ? undefined : response;
  };
};
