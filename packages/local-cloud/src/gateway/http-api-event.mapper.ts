import { randomBytes } from 'node:crypto';
import type { HttpApiEventV2, HttpApiJwtAuthorizerContext } from './gateway.types.ts';

/** What the gateway knows about one incoming request, already read. */
export interface IncomingApiRequest {
  readonly method: string;
  /** Path as received (still percent-encoded), stage prefix included. */
  readonly rawPath: string;
  /** Query as received, without `?`. */
  readonly rawQueryString: string;
  /** Every header, lower-cased, each with all of its received values. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly localPort: number;
}

export interface EventContext {
  readonly requestId: string;
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
  readonly authorizer?: HttpApiJwtAuthorizerContext;
  readonly stage: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly receivedAt: Date;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number): string => String(value).padStart(2, '0');

/** `12/Mar/2020:19:03:58 +0000`, the CLF time API Gateway puts in `requestContext.time`. */
export const formatRequestTime = (date: Date): string =>
  `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
  `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like HTTP API's (`JKJaXmPLvHcESHA=`). */
export const newRequestId = (): string =>
  `${Array.from(randomBytes(15), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')}=`;

/** `Root=1-<epoch hex>-<96-bit id>`, the X-Ray trace header API Gateway adds when none came in. */
export const newTraceId = (date: Date): string =>
  `Root=1-${Math.floor(date.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

const TEXT_CONTENT_TYPE =
  /^(?:text\/[^;]+|application\/(?:json|xml|x-www-form-urlencoded|javascript|ecmascript)|[^;/]+\/[^;]+\+(?:json|xml))\s*(?:;|$)/i;

/** Text-like bodies reach the function as UTF-8 strings; anything else (or no content type) as base64. */
export const isTextContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && TEXT_CONTENT_TYPE.test(contentType.trim());

const parseQuery = (rawQueryString: string): Record<string, string> | undefined => {
  if (rawQueryString === '') return undefined;
  const joined = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const previous = joined.get(key);
    joined.set(key, previous === undefined ? value : `${previous},${value}`);
  }
  return joined.size === 0 ? undefined : Object.fromEntries(joined);
};

const splitCookies = (values: readonly string[]): string[] =>
  values
    .flatMap((value) => value.split(';'))
    .map((cookie) => cookie.trim())
    .filter((cookie) => cookie !== '');

/**
 * Builds the payload 2.0 event API Gateway sends to a Lambda integration: cookies lifted out of the
 * headers, repeated headers and query keys joined with commas, forwarding headers added, the body as
 * UTF-8 text or base64 depending on its content type.
 */
export const toHttpApiEvent = (request: IncomingApiRequest, context: EventContext): HttpApiEventV2 => {
  const headers: Record<string, string> = {};
  let cookieValues: readonly string[] = [];
  for (const [name, values] of Object.entries(request.headers)) {
    if (name === 'cookie') cookieValues = values;
    else headers[name] = values.join(',');
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${request.sourceIp}`
    : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= newTraceId(context.receivedAt);

  const domainName = headers.host ?? `127.0.0.1:${request.localPort}`;
  const cookies = splitCookies(cookieValues);
  const queryStringParameters = parseQuery(request.rawQueryString);
  const hasPathParameters = Object.keys(context.pathParameters).length > 0;
  const hasBody = request.body.length > 0;
  const isText = isTextContentType(headers['content-type']);

  return {
    version: '2.0',
    routeKey: context.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      ...(context.authorizer ? { authorizer: context.authorizer } : {}),
      domainName,
      domainPrefix: domainName.replace(/:\d+$/, '').split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: context.stage,
      time: formatRequestTime(context.receivedAt),
      timeEpoch: context.receivedAt.getTime(),
    },
    ...(hasBody ? { body: request.body.toString(isText ? 'utf8' : 'base64') } : {}),
    ...(hasPathParameters ? { pathParameters: context.pathParameters } : {}),
    isBase64Encoded: hasBody && !isText,
  };
};
