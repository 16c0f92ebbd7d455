import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { EdgeRequest } from '../edge/edge.types.ts';

/** SigV4's longest presigned URL validity: seven days. */
const MAX_EXPIRES_SECONDS = 604_800;

/** Why S3 refuses a presigned request, as its error code, status and message. */
export interface PresignedUrlRejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

const rejection = (status: number, code: string, message: string): PresignedUrlRejection => ({
  status,
  code,
  message,
});

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~`. */
const uriEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');

const headerValue = (request: EdgeRequest, name: string): string | undefined => {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
};

/** `20260101T120000Z` -> epoch milliseconds, or NaN. */
const amzDateMs = (value: string): number => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
};

export interface PresignedUrlCheck {
  /** The secret of each access key the edge knows (the local stack's credentials). */
  readonly secretOf: (accessKeyId: string) => string | undefined;
  readonly now?: () => number;
}

/** Whether a request carries SigV4 query authentication (a presigned URL). */
export const isPresigned = (request: EdgeRequest): boolean =>
  request.url.searchParams.get('X-Amz-Algorithm') !== null ||
  request.url.searchParams.get('X-Amz-Signature') !== null;

/**
 * Checks a presigned URL as S3 does: the algorithm, the credential of a known access key, the
 * expiry (`X-Amz-Date` + `X-Amz-Expires`), and the signature over the method, path, query and every
 * signed header with the value the request really sends (so a PUT with another `content-type` or
 * `content-length` than the one signed is `SignatureDoesNotMatch`). Returns undefined when valid.
 */
export const checkPresignedUrl = (
  request: EdgeRequest,
  check: PresignedUrlCheck,
): PresignedUrlRejection | undefined => {
  const params = request.url.searchParams;
  const algorithm = params.get('X-Amz-Algorithm');
  const credential = params.get('X-Amz-Credential');
  const amzDate = params.get('X-Amz-Date');
  const expires = params.get('X-Amz-Expires');
  const signedHeaders = params.get('X-Amz-SignedHeaders');
  const signature = params.get('X-Amz-Signature');
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    return rejection(
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
    );
  }
  if (!credential || !amzDate || !expires || !signedHeaders || !signature) {
    return rejection(
      400,
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || service !== 's3' || terminator !== 'aws4_request') {
    return rejection(
      400,
      'AuthorizationQueryParametersError',
      `Error parsing the X-Amz-Credential parameter`,
    );
  }
  const expiresSeconds = Number(expires);
  if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS) {
    return rejection(
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
  }
  const signedAt = amzDateMs(amzDate);
  if (Number.isNaN(signedAt) || !amzDate.startsWith(date)) {
    return rejection(
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Date must be in the ISO8601 Long Format',
    );
  }
  const now = check.now?.() ?? Date.now();
  if (now > signedAt + expiresSeconds * 1000) return rejection(403, 'AccessDenied', 'Request has expired');
  if (now < signedAt - 15 * 60 * 1000) return rejection(403, 'AccessDenied', 'Request is not valid yet');
  const secret = check.secretOf(accessKeyId);
  if (secret === undefined) {
    return rejection(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  }

  const headerNames = signedHeaders.split(';');
  if (!headerNames.includes('host')) {
    return rejection(400, 'AuthorizationQueryParametersError', 'X-Amz-SignedHeaders must include host');
  }
  const canonicalHeaders = headerNames
    .map((name) => `${name}:${headerValue(request, name) ?? ''}\n`)
    .join('');
  const canonicalQuery = [...params.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const payloadHash = params.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const canonicalRequest = [
    request.method,
    request.url.pathname,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = hmac(signingKey, stringToSign).toString('hex');
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
    return rejection(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return undefined;
};
