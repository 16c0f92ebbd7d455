import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { listen, type StartedServer } from '../edge/edge.server.ts';
import { RequestTooLargeError, TooManyRequestsError } from '../lambda/lambda.errors.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { type CorsPolicy, createCorsPolicy } from './cors.policy.ts';
import { type GatewayResponse, problemResponse } from './gateway.problem.ts';
import type { GatewayOptions, HttpApiJwtAuthorizerContext } from './gateway.types.ts';
import {
  formatRequestTime,
  type IncomingApiRequest,
  newRequestId,
  toHttpApiEvent,
} from './http-api-event.mapper.ts';
import { authorizeRequest } from './jwt.authorizer.ts';
import { fromLambdaResult } from './lambda-result.mapper.ts';
import { createRouteMatcher } from './route.matcher.ts';
import { createTokenBucket } from './token-bucket.throttle.ts';

/** HTTP API's maximum request payload. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Marks the local console's own calls to the public API (they are not access-logged). */
export const CONSOLE_HEADER = 'x-shop-console';
/** HTTP API's quota on the request line and header values together. */
export const MAX_REQUEST_LINE_AND_HEADERS_BYTES = 10_240;
/** What Node itself will parse before giving up on a request; far above the quota, so the quota answers. */
const NODE_MAX_HEADER_BYTES = 64 * 1024;

const HEADERS_TOO_LARGE = problemResponse(
  431,
  'request-header-fields-too-large',
  'Request Header Fields Too Large',
  `The request line and headers exceed ${MAX_REQUEST_LINE_AND_HEADERS_BYTES} bytes`,
  { connection: 'close' },
);

/** Bytes of the request line and the header values, as API Gateway counts them against its quota. */
const requestLineAndHeadersBytes = (req: IncomingMessage): number => {
  let size = Buffer.byteLength(`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`);
  for (let i = 1; i < req.rawHeaders.length; i += 2) size += Buffer.byteLength(req.rawHeaders[i] ?? '');
  return size;
};
export const DEFAULT_API_ID = 'local';

const ORDER_PATH = /\/orders\/([^/?#]+)/;

/** The order a request is about: `/orders/{orderId}...`. */
const orderIdInPath = (path: string): string | undefined => ORDER_PATH.exec(path)?.[1];

/** The order a response created: its `Location` (`/orders/{orderId}`, as checkout answers 202). */
const orderIdOfResponse = (response: GatewayResponse): string | undefined => {
  const location = response.headers?.location ?? response.headers?.Location;
  return typeof location === 'string' ? orderIdInPath(location) : undefined;
};

export interface Gateway {
  readonly server: Server;
  /** Starts listening (port 0 picks a free port); `close()` stops the server and its connections. */
  listen(port: number, host?: string): Promise<StartedServer>;
}

/** Fields of one access-log line, filled in as the request goes through the gateway. */
interface AccessLogFields {
  routeKey: string;
  functionName?: string;
  integrationLatencyMs?: number;
  integrationStatus?: number;
  integrationErrorMessage?: string;
  authorizerError?: string;
  /** Not logged: the X-Ray header that makes the invocation a child of the request's span. */
  traceHeader?: string;
}

type BodyRead = { readonly ok: true; readonly body: Buffer } | { readonly ok: false };

/** Reads the body, giving up as soon as it is known to exceed `limit` (by Content-Length or by count). */
const readLimitedBody = (req: IncomingMessage, limit: number): Promise<BodyRead> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ ok: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve({ ok: false });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks) });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });

const sourceIpOf = (req: IncomingMessage): string =>
  (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

const toFetchRequest = (request: IncomingApiRequest, url: string): Request => {
  const headers = new Headers();
  for (const [name, values] of Object.entries(request.headers)) {
    for (const value of values) headers.append(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body.length > 0;
  return new Request(url, { method: request.method, headers, ...(hasBody ? { body: request.body } : {}) });
};

const fromFetchResponse = async (response: Response): Promise<GatewayResponse> => {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  return {
    status: response.status,
    headers,
    cookies: response.headers.getSetCookie(),
    body: Buffer.from(await response.arrayBuffer()),
  };
};

const send = (res: ServerResponse, response: GatewayResponse): void => {
  const headers: OutgoingHttpHeaders = {
    ...response.headers,
    'content-length': String(response.body.length),
  };
  const cookies = [...(response.cookies ?? [])];
  const extra = response.headers['set-cookie'];
  if (extra !== undefined) cookies.unshift(extra);
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(response.body);
};

/**
 * The local HTTP API (payload format 2.0): matches the request to a route as API Gateway does, runs
 * the JWT authorizer, CORS and throttling at the gateway, and invokes the route's Lambda function
 * with exactly the event AWS would send.
 *
 * @example
 * const gateway = createGateway({ routes, invoker, authorize });
 * const { url, close } = await gateway.listen(3000);
 */
export const createGateway = (options: GatewayOptions): Gateway => {
  const matchRoute = createRouteMatcher(options.routes);
  if (!options.authorize && options.routes.some((route) => route.auth === 'jwt')) {
    throw new RangeError('createGateway: routes with auth "jwt" need an "authorize" function');
  }
  const cors: CorsPolicy | undefined = options.cors ? createCorsPolicy(options.cors) : undefined;
  const takeToken = options.throttle
    ? createTokenBucket(options.throttle.rateLimit, options.throttle.burstLimit)
    : undefined;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const stage = options.stage ?? '$default';
  const apiId = options.apiId ?? DEFAULT_API_ID;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const region = options.region ?? LOCAL_REGION;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));

  const routePathOf = (rawPath: string): string | undefined => {
    if (stage === '$default') return rawPath;
    const prefix = `/${stage}`;
    if (rawPath === prefix) return '/';
    return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : undefined;
  };

  const invokeRoute = async (
    request: IncomingApiRequest,
    requestId: string,
    receivedAt: Date,
    fields: AccessLogFields,
  ): Promise<GatewayResponse> => {
    const routePath = routePathOf(request.rawPath);
    const match = routePath === undefined ? undefined : matchRoute(request.method, routePath);
    if (!match) {
      return problemResponse(
        404,
        'not-found',
        'Not Found',
        `No route serves ${request.method} ${request.rawPath}`,
      );
    }
    fields.routeKey = match.routeKey;
    fields.functionName = match.route.functionName;

    let authorizer: HttpApiJwtAuthorizerContext | undefined;
    if (match.route.auth === 'jwt' && options.authorize) {
      const outcome = await authorizeRequest(options.authorize, request.headers.authorization?.join(','));
      if (!outcome.ok) {
        fields.authorizerError = outcome.reason;
        return problemResponse(401, 'unauthorized', 'Unauthorized', 'A valid bearer token is required', {
          'www-authenticate': 'Bearer',
        });
      }
      authorizer = outcome.context;
    }

    const event = toHttpApiEvent(request, {
      requestId,
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
      ...(authorizer ? { authorizer } : {}),
      stage,
      apiId,
      accountId,
      receivedAt,
    });
    const invokedAt = performance.now();
    let result: Awaited<ReturnType<typeof options.invoker.invoke>>;
    try {
      result = await options.invoker.invoke(match.route.functionName, event, {
        requestId,
        ...(fields.traceHeader ? { traceId: fields.traceHeader } : {}),
      });
    } catch (error) {
      fields.integrationErrorMessage = error instanceof Error ? error.message : String(error);
      if (error instanceof TooManyRequestsError) {
        // The function is at its concurrency: the client is asked to come back, not told it broke.
        return problemResponse(
          429,
          'too-many-requests',
          'Too Many Requests',
          'The service is busy; retry after the Retry-After seconds',
          { 'retry-after': String(error.retryAfterSeconds) },
        );
      }
      if (error instanceof RequestTooLargeError) {
        return problemResponse(
          413,
          'payload-too-large',
          'Content Too Large',
          'The request is larger than the function behind this route accepts (6 MB with its headers)',
        );
      }
      return problemResponse(502, 'bad-gateway', 'Bad Gateway', 'The integration could not be invoked');
    } finally {
      fields.integrationLatencyMs = Math.round(performance.now() - invokedAt);
    }
    if (!result.ok) {
      // The function's own error stays in the log: clients of a real HTTP API never see it either.
      fields.integrationErrorMessage = `${result.error.errorType}: ${result.error.errorMessage}`;
      return result.timedOut
        ? problemResponse(
            504,
            'gateway-timeout',
            'Gateway Timeout',
            'The integration did not respond in time',
          )
        : problemResponse(502, 'bad-gateway', 'Bad Gateway', 'The integration failed to handle the request');
    }
    const mapped = fromLambdaResult(result.payload);
    if (!mapped.ok) {
      fields.integrationErrorMessage = mapped.reason;
      return problemResponse(
        502,
        'bad-gateway',
        'Bad Gateway',
        'The integration returned an invalid response',
      );
    }
    fields.integrationStatus = mapped.response.status;
    return mapped.response;
  };

  const processRequest = async (
    req: IncomingMessage,
    request: Omit<IncomingApiRequest, 'body'>,
    requestId: string,
    receivedAt: Date,
    fields: AccessLogFields,
  ): Promise<GatewayResponse> => {
    if (takeToken) {
      const decision = takeToken();
      if (!decision.allowed) {
        return problemResponse(
          429,
          'too-many-requests',
          'Too Many Requests',
          'The API is over its request rate',
          {
            'retry-after': String(decision.retryAfterSeconds),
          },
        );
      }
    }
    const read = await readLimitedBody(req, maxBodyBytes);
    if (!read.ok) {
      return problemResponse(
        413,
        'payload-too-large',
        'Content Too Large',
        `The request body exceeds ${maxBodyBytes} bytes`,
        // The rest of the body is never read, so the connection cannot be reused.
        { connection: 'close' },
      );
    }
    const full: IncomingApiRequest = { ...request, body: read.body };
    if (options.builtins) {
      const host = request.headers.host?.[0] ?? `127.0.0.1:${request.localPort}`;
      const query = request.rawQueryString === '' ? '' : `?${request.rawQueryString}`;
      const builtin = await options.builtins(
        toFetchRequest(full, `http://${host}${request.rawPath}${query}`),
      );
      if (builtin) return fromFetchResponse(builtin);
    }
    return invokeRoute(full, requestId, receivedAt, fields);
  };

  const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES }, async (req, res) => {
    const startedAt = performance.now();
    const receivedAt = new Date();
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const request: Omit<IncomingApiRequest, 'body'> = {
      method,
      rawPath: queryAt === -1 ? target : target.slice(0, queryAt),
      rawQueryString: queryAt === -1 ? '' : target.slice(queryAt + 1),
      headers: Object.fromEntries(
        Object.entries(req.headersDistinct).flatMap(([name, values]) => (values ? [[name, values]] : [])),
      ),
      sourceIp: sourceIpOf(req),
      localPort: req.socket.localPort ?? 0,
    };
    const origin = request.headers.origin?.[0];
    const fields: AccessLogFields = { routeKey: '-' };
    // The console's own polling is not what a trace is for.
    const fromConsole =
      request.rawPath.startsWith('/console') || request.headers[CONSOLE_HEADER] !== undefined;
    const span = fromConsole
      ? undefined
      : options.spans?.start({
          name: `${method} ${request.rawPath}`,
          kind: 'request',
          service: 'gateway',
          correlationId: request.headers['x-correlation-id']?.[0],
          attributes: { requestId },
        });
    if (span) fields.traceHeader = span.header;

    let response: GatewayResponse;
    if (requestLineAndHeadersBytes(req) > MAX_REQUEST_LINE_AND_HEADERS_BYTES) {
      response = HEADERS_TOO_LARGE;
    } else if (cors?.isPreflight(method, request.headers)) {
      response = { status: 204, headers: cors.preflightHeaders(origin), body: Buffer.alloc(0) };
    } else {
      try {
        response = await processRequest(req, request, requestId, receivedAt, fields);
      } catch (error) {
        fields.integrationErrorMessage = error instanceof Error ? error.message : String(error);
        response = problemResponse(
          500,
          'internal',
          'Internal Server Error',
          'The gateway failed to handle the request',
        );
      }
      if (cors) response = { ...response, headers: cors.apply(response.headers, origin) };
    }
    response = { ...response, headers: { ...response.headers, 'apigw-requestid': requestId } };

    if (!res.destroyed) {
      try {
        send(res, response);
      } catch (error) {
        // A header value the HTTP layer refuses (a newline, say) is the function's fault: a bad gateway.
        fields.integrationErrorMessage = `Invalid response header: ${error instanceof Error ? error.message : String(error)}`;
        response = problemResponse(
          502,
          'bad-gateway',
          'Bad Gateway',
          'The integration returned an invalid response',
          {
            'apigw-requestid': requestId,
          },
        );
        if (!res.headersSent) send(res, response);
        else res.destroy();
      }
    }
    if (span) {
      span.set({ routeKey: fields.routeKey, httpStatus: response.status });
      span.tag({ orderId: orderIdOfResponse(response) ?? orderIdInPath(request.rawPath) });
      span.end(response.status >= 500 ? { status: 'error', error: `HTTP ${response.status}` } : {});
    }
    // The console's own polling would drown what it is there to show: it is not logged.
    if (fromConsole) return;
    log(
      JSON.stringify({
        requestId,
        ip: request.sourceIp,
        requestTime: formatRequestTime(receivedAt),
        httpMethod: method,
        path: request.rawPath,
        routeKey: fields.routeKey,
        status: response.status,
        protocol: `HTTP/${req.httpVersion}`,
        responseLength: response.body.length,
        latencyMs: Math.round(performance.now() - startedAt),
        integrationLatencyMs: fields.integrationLatencyMs ?? null,
        ...(fields.functionName ? { functionName: fields.functionName } : {}),
        ...(fields.integrationStatus ? { integrationStatus: fields.integrationStatus } : {}),
        ...(fields.integrationErrorMessage
          ? { integrationErrorMessage: fields.integrationErrorMessage }
          : {}),
        ...(fields.authorizerError ? { authorizerError: fields.authorizerError } : {}),
        stage,
        apiId,
        region,
      }),
    );
  });

  // Requests Node refuses before they reach the handler: beyond even its header limit, or unparsable.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const response =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? HEADERS_TOO_LARGE
        : problemResponse(400, 'bad-request', 'Bad Request', 'The request could not be parsed as HTTP', {
            connection: 'close',
          });
    const head = [
      `HTTP/1.1 ${response.status} ${response.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
      ...Object.entries({ ...response.headers, 'content-length': String(response.body.length) }).map(
        ([name, value]) => `${name}: ${value}`,
      ),
    ].join('\r\n');
    socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), response.body]));
  });

  return {
    server,
    listen: (port, host = '127.0.0.1') => listen(server, port, host),
  };
};
