import type { RouteConfig } from '@hono/zod-openapi';
import { PROBLEM_TYPE_BASE, Problem } from '@shop/contracts';
import type * as z from 'zod';

// Route configs are plain data: the HTTP functions import them to validate requests, and the API
// document is generated from the same objects by `@shop/platform/http/openapi`, which no function
// bundles. Only types come from `@hono/zod-openapi` here.

/**
 * A route of a service's HTTP API: method, path (`{param}` style), request schemas and responses,
 * typed as `@hono/zod-openapi`'s `RouteConfig` so that `app.openapi(route, handler)` types
 * `c.req.valid(...)` and the responses from it. The object is returned as given.
 *
 * @example
 * export const getProductRoute = createRoute({
 *   method: 'get',
 *   path: '/products/{productId}',
 *   request: { params: z.object({ productId: ProductId }) },
 *   responses: { 200: jsonResponse(Product, 'The product'), ...problemResponses(404) },
 * });
 */
export const createRoute = <P extends string, R extends Omit<RouteConfig, 'path'> & { path: P }>(
  route: R,
): R => route;

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

/** What each status looks like on the wire: the example of its problem response. */
const problemExamples: Record<number, Problem> = {
  400: {
    type: `${PROBLEM_TYPE_BASE}validation`,
    title: 'Validation failed',
    status: 400,
    detail: '/body/quantity: Too small: expected number to be >=1',
    code: 'VALIDATION',
    errors: [{ pointer: '/body/quantity', detail: 'Too small: expected number to be >=1' }],
  },
  401: {
    type: `${PROBLEM_TYPE_BASE}auth/unauthenticated`,
    title: 'Authentication required',
    status: 401,
    detail: 'A bearer token is required',
    code: 'AUTH.UNAUTHENTICATED',
  },
  403: {
    type: `${PROBLEM_TYPE_BASE}auth/forbidden`,
    title: 'Forbidden',
    status: 403,
    detail: 'This operation needs the admin role',
    code: 'AUTH.FORBIDDEN',
  },
  404: {
    type: `${PROBLEM_TYPE_BASE}not-found`,
    title: 'Not found',
    status: 404,
    detail: 'The resource does not exist',
    code: 'NOT_FOUND',
  },
  409: {
    type: `${PROBLEM_TYPE_BASE}conflict`,
    title: 'Conflict',
    status: 409,
    detail: 'The resource changed meanwhile; read it again and retry',
    code: 'CONFLICT',
  },
  413: {
    type: `${PROBLEM_TYPE_BASE}http-413`,
    title: 'Payload too large',
    status: 413,
    detail: 'The body is larger than 10 MiB',
  },
  422: {
    type: `${PROBLEM_TYPE_BASE}unprocessable`,
    title: 'Unprocessable',
    status: 422,
    detail: 'The request is well-formed but cannot be carried out',
    code: 'UNPROCESSABLE',
  },
  429: {
    type: `${PROBLEM_TYPE_BASE}too-many-requests`,
    title: 'Too Many Requests',
    status: 429,
    detail: 'The API is over its request rate',
  },
  503: {
    type: `${PROBLEM_TYPE_BASE}unavailable`,
    title: 'Service unavailable',
    status: 503,
    detail: 'A dependency is unavailable; retry after the Retry-After seconds',
    code: 'UNAVAILABLE',
  },
};

const problemExampleOf = (status: number): Problem =>
  problemExamples[status] ?? { type: `${PROBLEM_TYPE_BASE}http-${status}`, title: 'Error', status };

/** Problem+json responses for the given statuses, for a route's `responses`, each with an example. */
export const problemResponses = <const S extends readonly number[]>(...statuses: S) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemDescriptions[status] ?? 'Error',
        content: { 'application/problem+json': { schema: Problem, example: problemExampleOf(status) } },
      },
    ]),
  ) as {
    [K in S[number]]: {
      description: string;
      content: { 'application/problem+json': { schema: typeof Problem; example: Problem } };
    };
  };
