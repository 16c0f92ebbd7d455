import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';
import { Hono } from 'hono';
import * as z from 'zod';
import { apiReferencePage, serveApiReferenceAsset } from './api-reference.page.ts';
import type { BuiltinHandler } from './gateway.types.ts';

/** What `POST /dev/token` accepts. */
export interface DevTokenInput {
  readonly sub: string;
  readonly roles?: readonly string[];
  readonly expiresInSeconds?: number;
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

/**
 * The gateway's own endpoints, as a `builtins` hook for {@link createGateway}: `GET /health`,
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
