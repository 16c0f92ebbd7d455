import type { RouteConfig } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';
import { createRoute, jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';
import { Hono } from 'hono';
import * as z from 'zod';
import type { MailboxItem } from '../ses/ses.mailbox.ts';
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
  /** Enables `GET /dev/mailbox`: what the edge's SES sent. */
  readonly mailbox?: { list(to?: string): readonly MailboxItem[] };
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

const EXAMPLE_MAIL = {
  id: '0f8fad5bd9cb469f-6d7b3c1e-2a4b-4c5d-8e9f-0a1b2c3d4e5f-000000',
  from: 'orders@shop.localhost',
  to: 'alice@example.com',
  subject: 'Order ord_5f2c9a7e1b3d4c6a8e0f2b4d confirmed',
  text: 'Thank you for your order.',
  html: '<p>Thank you for your order.</p>',
  sentAt: '2026-12-01T10:16:00.412Z',
};

/** `GET /dev/mailbox?to=`: whose copies to list. */
export const MailboxQuery = z.object({
  to: z.email().max(320).optional().meta({
    description: 'A recipient address (case-insensitive); absent, every copy is listed.',
    example: 'alice@example.com',
  }),
});

const MailboxMessage = z
  .object({
    id: z.string().meta({ description: 'The SES MessageId SendEmail answered.' }),
    from: z.string(),
    to: z.string().meta({ description: 'The recipient whose copy this is.' }),
    subject: z.string(),
    text: z.string().optional(),
    html: z.string().optional(),
    sentAt: z.iso.datetime(),
  })
  .meta({ id: 'MailboxMessage', example: EXAMPLE_MAIL });

export const MailboxPage = z
  .object({ items: z.array(MailboxMessage) })
  .meta({ id: 'MailboxPage', description: 'Newest first.', example: { items: [EXAMPLE_MAIL] } });

const throttled = problemResponses(429);

/**
 * The OpenAPI route configs of {@link createBuiltinRoutes}'s endpoints, to document them beside the
 * services' routes. `devTokenRequest` is the schema `POST /dev/token` validates its body with; without
 * it, the dev-token endpoints are left out (as they are from the gateway).
 */
export const builtinRouteConfigs = (
  options: { readonly devTokenRequest?: z.ZodType; readonly mailbox?: boolean } = {},
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
  ...(options.mailbox
    ? [
        createRoute({
          method: 'get',
          path: '/dev/mailbox',
          operationId: 'devMailbox',
          summary: 'The emails the local SES sent (local only; in AWS, SES delivers them)',
          description:
            'Every email a function sent through SESv2 `SendEmail` to the local AWS edge, one copy per recipient, newest first (the last 1000; a restart empties it). The notifications service sends one per order event to the address of the token used at checkout (`POST /dev/token` with `email`).',
          tags,
          request: { query: MailboxQuery },
          responses: { 200: jsonResponse(MailboxPage, 'The copies'), ...problemResponses(400, 429) },
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

  const { mailbox } = options;
  if (mailbox) {
    app.get('/dev/mailbox', (c) => {
      const query = MailboxQuery.safeParse(c.req.query());
      if (!query.success) {
        const errors = query.error.issues.map((issue) => ({
          pointer: `/query${issue.path.map((part) => `/${String(part)}`).join('')}`,
          detail: issue.message,
        }));
        return new Response(
          JSON.stringify({
            type: `${PROBLEM_TYPE_BASE}validation`,
            title: 'Bad Request',
            status: 400,
            detail: 'The query is not valid: `to` must be an email address',
            errors,
          }),
          { status: 400, headers: { 'content-type': PROBLEM_CONTENT_TYPE } },
        );
      }
      return c.json({ items: mailbox.list(query.data.to) });
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
