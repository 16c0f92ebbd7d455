import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { HTTPException } from 'hono/http-exception';
import { AppError, ServiceUnavailableError } from '../errors/app-error.ts';
import { INTERNAL_PROBLEM, problemOf, problemResponse, validationErrorOf } from '../errors/problem.ts';
import { CORRELATION_HEADER, flushMetrics, getLogger } from '../observability/index.ts';

export interface AppVariables {
  requestId: string;
  correlationId: string;
}

/** Hono env of every service app: Lambda bindings from `hono/aws-lambda` and the platform's variables. */
export interface AppEnv<TVariables extends object = object> {
  Bindings: { event: LambdaEvent; lambdaContext: LambdaContext };
  Variables: AppVariables & TVariables;
}

const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:@=-]{1,128}$/;

const awsRequestIdOf = (c: Context): string | undefined => {
  const event = c.env?.event as { requestContext?: { requestId?: unknown } } | undefined;
  const id = event?.requestContext?.requestId;
  return typeof id === 'string' ? id : undefined;
};

/**
 * Request id (the gateway's, else a new one), correlation id (the caller's `x-correlation-id` when
 * well-formed, else the request id), both echoed in response headers and put on every log line.
 *
 * The gateway's access log already has one line per request (request id, route, status, latency,
 * caller), and every line this function writes carries the same request id, so the two join. The
 * function's own access line is written at INFO for failed requests (status 400 and above, with the
 * correlation id) and at DEBUG for the others: a Powertools line costs about 25 µs of a warm request,
 * half the platform's budget, to repeat what the gateway has logged.
 */
const requestContext = (): MiddlewareHandler<AppEnv> =>
  async function requestContext(c, next) {
    const started = performance.now();
    const requestId = awsRequestIdOf(c) ?? crypto.randomUUID();
    const incoming = c.req.header(CORRELATION_HEADER);
    const correlationId = incoming && SAFE_ID.test(incoming) ? incoming : requestId;
    c.set('requestId', requestId);
    c.set('correlationId', correlationId);
    const logger = getLogger();
    const lambdaContext = c.env?.lambdaContext;
    if (lambdaContext) logger.addContext(lambdaContext as Parameters<typeof logger.addContext>[0]);
    logger.appendKeys({ correlationId, requestId });
    try {
      await next();
    } finally {
      c.header(REQUEST_ID_HEADER, requestId);
      c.header(CORRELATION_HEADER, correlationId);
      const status = c.res.status;
      if (status >= 400 || logger.level <= LogLevelThreshold.DEBUG) {
        const line = {
          method: c.req.method,
          path: c.req.path,
          status,
          latencyMs: Math.round((performance.now() - started) * 100) / 100,
        };
        if (status >= 400) logger.info('request', line);
        else logger.debug('request', line);
      }
      logger.resetKeys();
      flushMetrics();
    }
  };

const statusTitles: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  415: 'Unsupported media type',
};

/** The one error boundary: known errors become problem+json, anything else a generic 500 (details only in the log). */
export const renderError = (error: unknown, c: Context): Response => {
  const instance = c.req.path;
  if (error instanceof AppError) {
    if (error.status >= 500) getLogger().error('request failed', { error });
    // Every 503 says when to come back (clients and SDKs back off by it).
    const retryAfter = error instanceof ServiceUnavailableError ? error.retryAfterSeconds : undefined;
    return problemResponse(
      problemOf(error, instance),
      retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
    );
  }
  if (error instanceof HTTPException) {
    // Errors that carry their own problem document (the auth middleware's) keep it, headers included.
    const own = error.getResponse();
    if (own.headers.get('content-type')?.startsWith('application/problem+json')) return own;
    const status = error.status;
    const title = statusTitles[status] ?? 'Request failed';
    // Hono's messages for 4xx (malformed JSON, unsupported media type) are written for clients.
    const detail = status < 500 && error.message ? error.message : title;
    return problemResponse({
      type: `https://shop.example/problems/http-${status}`,
      title,
      status,
      detail,
    });
  }
  getLogger().error('unhandled error', { error });
  return problemResponse(INTERNAL_PROBLEM);
};

/**
 * The app every service's HTTP function starts from: ids and logging, zod validation failures as 400
 * problems with field errors, one error boundary, 404 problems.
 *
 * @example
 * const app = createApp();
 * app.openapi(getProductRoute, async (c) => c.json(await getProduct(c.req.valid('param').productId), 200));
 * export const handler = handle(app);
 */
export const createApp = <TVariables extends object = object>() => {
  const app = new OpenAPIHono<AppEnv<TVariables>>({
    defaultHook: (result) => {
      if (!result.success) throw validationErrorOf(result.error, result.target);
    },
  });
  // The platform's middleware only touches the platform's own variables.
  app.use(requestContext() as unknown as MiddlewareHandler<AppEnv<TVariables>>);
  app.onError((error, c) => renderError(error, c));
  app.notFound((c) =>
    problemResponse({
      type: 'https://shop.example/problems/http-404',
      title: 'Not found',
      status: 404,
      detail: `no route for ${c.req.method} ${c.req.path}`,
    }),
  );
  return app;
};
