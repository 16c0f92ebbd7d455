import type { OpenAPIRoute, RouteConfig } from '@hono/zod-openapi';
import { type Context, type Env, Hono, type MiddlewareHandler } from 'hono';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { HTTPException } from 'hono/http-exception';
import { AppError, ServiceUnavailableError } from '../errors/app-error.ts';
import { INTERNAL_PROBLEM, problemOf, problemResponse } from '../errors/problem.ts';
import { currentInvocation, isCorrelationId, runInInvocation } from '../invocation/invocation-scope.ts';
import { CORRELATION_HEADER, getLogger } from '../observability/logger.ts';
import { flushMetrics, setMetricsMetadata } from '../observability/metrics.ts';
import { getTracer, traced } from '../tracing/tracer.ts';
import { requestValidatorsOf, type ValidationHook } from './route-validation.ts';

export interface AppVariables {
  requestId: string;
  correlationId: string;
  /** The order the request is about, once a route knows it (see `aboutOrder`). */
  orderId?: string;
}

/** Hono env of every service app: Lambda bindings from `hono/aws-lambda` and the platform's variables. */
export interface AppEnv<TVariables extends object = object> {
  Bindings: { event: LambdaEvent; lambdaContext: LambdaContext };
  Variables: AppVariables & TVariables;
}

const REQUEST_ID_HEADER = 'x-request-id';

const awsRequestIdOf = (c: Context): string | undefined => {
  const event = c.env?.event as { requestContext?: { requestId?: unknown } } | undefined;
  const id = event?.requestContext?.requestId;
  return typeof id === 'string' ? id : undefined;
};

/**
 * Request id (the gateway's, else a new one), correlation id (the caller's `x-correlation-id` when
 * well-formed, else the request id), both echoed in response headers and put on every log line, and
 * carried (invocation scope) into the internal functions the request invokes and the saga it starts.
 *
 * One INFO line per request, `request`, with method, path, status, outcome, `durationMs`, the ids
 * and, once a route named it, the `orderId`. Metrics recorded during the request are flushed once,
 * after it. The gateway's access log has the same request id, so the two join.
 */
const requestContext = (): MiddlewareHandler<AppEnv> =>
  async function requestContext(c, next) {
    const started = performance.now();
    const requestId = awsRequestIdOf(c) ?? crypto.randomUUID();
    const incoming = c.req.header(CORRELATION_HEADER);
    const correlationId = isCorrelationId(incoming) ? incoming : requestId;
    c.set('requestId', requestId);
    c.set('correlationId', correlationId);
    const logger = getLogger();
    const lambdaContext = c.env?.lambdaContext;
    if (lambdaContext) logger.addContext(lambdaContext as Parameters<typeof logger.addContext>[0]);
    logger.appendKeys({ correlationId, requestId });
    setMetricsMetadata({ correlationId });
    // The invocation scope `withInvocation` opened already carries this correlation id unless the
    // app runs without it (tests, `app.request`); a second scope would only cost a frame per request.
    const invocation = currentInvocation();
    const run =
      invocation?.correlationId === correlationId
        ? next
        : () => runInInvocation({ ...invocation, correlationId }, next);
    // Set before the route runs, they go into the response it builds with `c.json`/`c.body`; set
    // after, each would copy the finished response into a new one.
    c.header(REQUEST_ID_HEADER, requestId);
    c.header(CORRELATION_HEADER, correlationId);
    try {
      await (getTracer() ? traced('request', { correlationId }, run) : run());
    } finally {
      // A response built without them (the error boundary's, the 404's, a `Response` returned as is).
      if (!c.res.headers.has(REQUEST_ID_HEADER)) {
        c.header(REQUEST_ID_HEADER, requestId);
        c.header(CORRELATION_HEADER, correlationId);
      }
      const status = c.res.status;
      logger.info('request', {
        method: c.req.method,
        path: c.req.path,
        status,
        outcome: status >= 500 ? 'failed' : 'succeeded',
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
      logger.resetKeys();
      flushMetrics();
    }
  };

/**
 * Names the order a request is about: `orderId` goes on the request's log lines from here on (the
 * `request` line included), on its metrics and on its X-Ray subsegment.
 *
 * @example
 * app.openapi(getOrderRoute, async (c) => { aboutOrder(c, c.req.valid('param').orderId); ... });
 */
export const aboutOrder = (c: Context, orderId: string): void => {
  c.set('orderId', orderId);
  getLogger().appendKeys({ orderId });
  setMetricsMetadata({ orderId });
  getTracer()?.putAnnotation('orderId', orderId);
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
 * A Hono app whose routes are declared by their OpenAPI route configs (`createRoute`):
 * `app.openapi(route, handler)` validates the request parts the route declares with zod and types
 * `c.req.valid(...)` and the handler's responses from the route, as `@hono/zod-openapi`'s
 * `OpenAPIHono` does, but keeps no document registry: the API document is generated from the same
 * route configs by `@shop/platform/http/openapi`, outside the functions.
 */
export class ServiceApp<E extends Env = Env> extends Hono<E> {
  /**
   * Registers `route` (its own `middleware` first, then the request validators) and its handler;
   * `hook` sees each validation result before the default 400 problem.
   */
  openapi<R extends RouteConfig>(
    route: R,
    handler: OpenAPIRoute<R, E>['handler'],
    hook?: ValidationHook,
  ): this {
    const { middleware, hide: _hide, ...config } = route;
    const own = middleware ? (Array.isArray(middleware) ? middleware : [middleware]) : [];
    this.on(
      [config.method],
      [config.path.replaceAll(/\/{(.+?)}/g, '/:$1')],
      ...(own as MiddlewareHandler[]),
      ...requestValidatorsOf(config, hook),
      handler as MiddlewareHandler,
    );
    return this;
  }
}

/**
 * The app every service's HTTP function starts from: ids and logging, zod validation failures as 400
 * problems with field errors, one error boundary, 404 problems.
 *
 * @example
 * const app = createApp();
 * app.openapi(getProductRoute, async (c) => c.json(await getProduct(c.req.valid('param').productId), 200));
 * export const handler = createHttpHandler(app);
 */
export const createApp = <TVariables extends object = object>(): ServiceApp<AppEnv<TVariables>> => {
  const app = new ServiceApp<AppEnv<TVariables>>();
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
