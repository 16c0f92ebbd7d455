import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { credentialScopeOf, escapeXml } from '../edge/aws-protocol.ts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { notEmulatedResponse } from '../edge/not-emulated.ts';
import { LOCAL_API_PREFIX } from '../stack/local-defaults.ts';
import { decodeAwsChunked } from './aws-chunked.ts';
import { type BucketNotificationTarget, objectCreatedEventOf } from './s3-notifications.ts';
import type { S3Object, S3ObjectMetadata, S3ObjectStore } from './s3-object.store.ts';
import { checkPresignedUrl, isPresigned } from './s3-presigned-url.ts';

/** Where the edge serves a bucket's objects anonymously, as the CloudFront distribution does in AWS. */
export const CDN_PATH = `${LOCAL_API_PREFIX}/cdn/`;

/** The URL the content delivery path gives a bucket's objects: `<edge>/_local/cdn/<bucket>`. */
export const cdnUrlOf = (edgeUrl: string, bucket: string): string => `${edgeUrl}${CDN_PATH}${bucket}`;

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** S3's largest single PutObject. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Query parameters that are not subresources: presigning, the SDK's `x-id`, list and response options. */
const PLAIN_PARAMETERS = new Set([
  'x-id',
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'response-content-type',
  'response-cache-control',
  'response-content-disposition',
]);

export interface S3EdgeOptions {
  readonly store: S3ObjectStore;
  /** The secret of each access key a presigned URL may be signed with. */
  readonly credentials: Readonly<Record<string, string>>;
  readonly region: string;
  /** Delivers an object-created event to a function (asynchronously, as S3 does). */
  readonly notify?: (functionName: string, event: unknown) => void;
  readonly now?: () => number;
}

interface Target {
  readonly bucket?: string;
  readonly key?: string;
}

const header = (request: EdgeRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const httpDate = (iso: string): string => new Date(iso).toUTCString();

/** S3's errors: a bare `<Error>`, no body for HEAD. */
const s3Error = (
  request: EdgeRequest,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): EdgeResponse => {
  const requestId = randomUUID();
  if (request.method === 'HEAD') return { status, headers: { 'x-amz-request-id': requestId } };
  const details = Object.entries(extra)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `${XML_DECLARATION}<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${details}<RequestId>${requestId}</RequestId></Error>`,
  };
};

const xml = (body: string, status = 200): EdgeResponse => ({
  status,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() },
  body: XML_DECLARATION + body,
});

/** The bucket and key of a path-style (`/bucket/key`) or virtual-hosted (`bucket.localhost`) request. */
const targetOf = (request: EdgeRequest, pathname: string): Target => {
  const host = (header(request, 'host') ?? '').replace(/:\d+$/, '');
  const virtual = /^(.+)\.localhost$/.exec(host)?.[1];
  const segments = pathname.replace(/^\//, '');
  if (virtual) return segments ? { bucket: virtual, key: decodeURIComponent(segments) } : { bucket: virtual };
  const slash = segments.indexOf('/');
  if (segments === '') return {};
  if (slash === -1) return { bucket: decodeURIComponent(segments) };
  const key = decodeURIComponent(segments.slice(slash + 1));
  return { bucket: decodeURIComponent(segments.slice(0, slash)), ...(key ? { key } : {}) };
};

const safeTargetOf = (request: EdgeRequest): Target => {
  try {
    return targetOf(request, request.url.pathname);
  } catch {
    return {};
  }
};

const objectHeaders = (object: S3ObjectMetadata): Record<string, string> => ({
  'content-type': object.contentType,
  etag: object.etag,
  'last-modified': httpDate(object.lastModified),
  'accept-ranges': 'bytes',
  'x-amz-request-id': randomUUID(),
  ...(object.cacheControl ? { 'cache-control': object.cacheControl } : {}),
  ...(object.contentDisposition ? { 'content-disposition': object.contentDisposition } : {}),
  ...(object.contentEncoding ? { 'content-encoding': object.contentEncoding } : {}),
  ...Object.fromEntries(
    Object.entries(object.userMetadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
  ),
});

/** A `Range: bytes=a-b` header against an object of `size` bytes: the slice, or unsatisfiable. */
const rangeOf = (
  value: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined => {
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match) return undefined;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Math.min(Number(to), size);
    return suffix === 0 ? 'unsatisfiable' : { start: size - suffix, end: size - 1 };
  }
  const start = Number(from);
  if (start >= size) return 'unsatisfiable';
  return { start, end: to === '' ? size - 1 : Math.min(Number(to), size - 1) };
};

/** The object's bytes (or the asked range) with its headers: GetObject and the CDN path. */
const objectResponse = (request: EdgeRequest, object: S3Object): EdgeResponse => {
  const headers = objectHeaders(object);
  const range = header(request, 'range');
  const slice = range ? rangeOf(range, object.size) : undefined;
  if (slice === 'unsatisfiable') {
    return s3Error(request, 416, 'InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: range ?? '',
      ActualObjectSize: String(object.size),
    });
  }
  const overrides = request.url.searchParams;
  for (const [param, name] of [
    ['response-content-type', 'content-type'],
    ['response-cache-control', 'cache-control'],
    ['response-content-disposition', 'content-disposition'],
  ] as const) {
    const value = overrides.get(param);
    if (value) headers[name] = value;
  }
  const body = slice ? object.body.subarray(slice.start, slice.end + 1) : object.body;
  if (slice) headers['content-range'] = `bytes ${slice.start}-${slice.end}/${object.size}`;
  headers['content-length'] = String(body.length);
  const status = slice ? 206 : 200;
  return request.method === 'HEAD' ? { status, headers } : { status, headers, body };
};

/** Checksums the request declares (header, presigned query or aws-chunked trailer) that its body fails. */
const checksumMismatch = (
  body: Buffer,
  declared: (name: string) => string | undefined,
): { algorithm: string } | undefined => {
  const md5 = declared('content-md5');
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5)
    return { algorithm: 'MD5' };
  const crc = declared('x-amz-checksum-crc32');
  if (crc !== undefined) {
    const value = Buffer.alloc(4);
    value.writeUInt32BE(crc32(body));
    if (value.toString('base64') !== crc) return { algorithm: 'CRC32' };
  }
  for (const algorithm of ['sha1', 'sha256'] as const) {
    const digest = declared(`x-amz-checksum-${algorithm}`);
    if (digest !== undefined && createHash(algorithm).update(body).digest('base64') !== digest) {
      return { algorithm: algorithm.toUpperCase() };
    }
  }
  return undefined;
};

const encodeKey = (key: string, encoding: string | null): string =>
  escapeXml(encoding === 'url' ? encodeURIComponent(key).replaceAll('%2F', '/') : key);

/**
 * S3's REST API on the edge, for what the shop needs: buckets (CreateBucket, HeadBucket,
 * ListBuckets), objects (PutObject, GetObject with ranges, HeadObject, DeleteObject), ListObjectsV2
 * (prefix, delimiter, pagination, URL encoding), presigned URLs checked as S3 checks them, checksums
 * (Content-MD5, CRC32, SHA-1, SHA-256, in headers, presigned queries or aws-chunked trailers) and
 * object-created notifications to functions. Requests signed in the `Authorization` header are
 * accepted with any credentials, like every API of the edge; a presigned URL is the credential a
 * browser holds, so its signature, expiry and signed headers are verified with the stack's keys.
 * Anything else S3 has (multipart uploads, versions, ACLs, tagging...) is answered "not emulated".
 */
export const createS3EdgeHandler = (
  options: S3EdgeOptions,
): EdgeHandler & {
  configureNotifications(bucket: string, targets: readonly BucketNotificationTarget[]): void;
  /** The browser origins the bucket's CORS configuration allows to GET, HEAD and PUT (`*` for any). */
  configureCors(bucket: string, origins: readonly string[]): void;
} => {
  const { store } = options;
  const notifications = new Map<string, readonly BucketNotificationTarget[]>();
  const corsOrigins = new Map<string, readonly string[]>();

  /** The CORS headers of a request from an allowed origin; undefined when no rule allows it. */
  const corsHeadersOf = (
    request: EdgeRequest,
    bucket: string | undefined,
  ): Record<string, string> | undefined => {
    const origin = header(request, 'origin');
    const allowed = bucket ? corsOrigins.get(bucket) : undefined;
    if (!origin || !allowed || !(allowed.includes('*') || allowed.includes(origin))) return undefined;
    return {
      'access-control-allow-origin': allowed.includes('*') ? '*' : origin,
      'access-control-allow-methods': 'GET, HEAD, PUT',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '3000',
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    };
  };

  const preflight = (request: EdgeRequest, bucket: string | undefined): EdgeResponse => {
    const method = header(request, 'access-control-request-method') ?? '';
    const cors = corsHeadersOf(request, bucket);
    if (!cors || !['GET', 'HEAD', 'PUT'].includes(method)) {
      return s3Error(request, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.');
    }
    const requested = header(request, 'access-control-request-headers');
    return {
      status: 200,
      headers: { ...cors, ...(requested ? { 'access-control-allow-headers': requested } : {}) },
    };
  };
  const now = options.now ?? Date.now;

  const putObject = (request: EdgeRequest, bucket: string, key: string): EdgeResponse => {
    const streamed =
      (header(request, 'content-encoding') ?? '').includes('aws-chunked') ||
      (header(request, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-');
    let body = request.body;
    let trailers: Record<string, string> = {};
    if (streamed) {
      const decoded = decodeAwsChunked(request.body);
      if (!decoded)
        return s3Error(request, 400, 'IncompleteBody', 'The request body is not valid aws-chunked encoding');
      body = decoded.body;
      trailers = decoded.trailers;
      const declaredLength = header(request, 'x-amz-decoded-content-length');
      if (declaredLength !== undefined && Number(declaredLength) !== body.length) {
        return s3Error(
          request,
          400,
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header',
        );
      }
    }
    if (body.length > MAX_PUT_BYTES) {
      return s3Error(request, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    const mismatch = checksumMismatch(
      body,
      (name) => header(request, name) ?? request.url.searchParams.get(name) ?? trailers[name],
    );
    if (mismatch) {
      return mismatch.algorithm === 'MD5'
        ? s3Error(request, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
        : s3Error(
            request,
            400,
            'BadDigest',
            `The ${mismatch.algorithm} you specified did not match the calculated checksum.`,
          );
    }
    const contentEncoding = (header(request, 'content-encoding') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part && part !== 'aws-chunked')
      .join(', ');
    const object: S3Object = {
      key,
      body,
      size: body.length,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      contentType: header(request, 'content-type') ?? 'application/octet-stream',
      lastModified: new Date(now()).toISOString(),
      userMetadata: Object.fromEntries(
        Object.entries(request.headers).flatMap(([name, value]) =>
          name.startsWith('x-amz-meta-') && typeof value === 'string' ? [[name.slice(11), value]] : [],
        ),
      ),
      ...(header(request, 'cache-control') ? { cacheControl: header(request, 'cache-control') ?? '' } : {}),
      ...(header(request, 'content-disposition')
        ? { contentDisposition: header(request, 'content-disposition') ?? '' }
        : {}),
      ...(contentEncoding ? { contentEncoding } : {}),
    };
    store.put(bucket, object);
    const requestId = randomUUID();
    for (const target of notifications.get(bucket) ?? []) {
      if (!key.startsWith(target.prefix ?? '') || !key.endsWith(target.suffix ?? '')) continue;
      options.notify?.(
        target.functionName,
        objectCreatedEventOf({
          region: options.region,
          bucket,
          object,
          requestId,
          target,
          eventTime: object.lastModified,
        }),
      );
    }
    return { status: 200, headers: { etag: object.etag, 'x-amz-request-id': requestId } };
  };

  const listObjectsV2 = (request: EdgeRequest, bucket: string): EdgeResponse => {
    const params = request.url.searchParams;
    const prefix = params.get('prefix') ?? '';
    const delimiter = params.get('delimiter') ?? '';
    const encoding = params.get('encoding-type');
    const maxKeysParam = params.get('max-keys');
    const maxKeys = maxKeysParam === null ? 1000 : Number(maxKeysParam);
    if (!Number.isInteger(maxKeys) || maxKeys < 0) {
      return s3Error(
        request,
        400,
        'InvalidArgument',
        'Provided max-keys not an integer or within integer range',
      );
    }
    const token = params.get('continuation-token');
    let after = params.get('start-after') ?? '';
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith('k:')) {
        return s3Error(request, 400, 'InvalidArgument', 'The continuation token provided is incorrect');
      }
      after = decoded.slice(2);
    }
    const contents: S3ObjectMetadata[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    let last = '';
    for (const object of store.list(bucket)) {
      if (!object.key.startsWith(prefix) || (after && object.key <= after)) continue;
      const rest = object.key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      const commonPrefix = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
      if (commonPrefix !== undefined && prefixes.at(-1) === commonPrefix) {
        last = object.key;
        continue;
      }
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (commonPrefix !== undefined) prefixes.push(commonPrefix);
      else contents.push(object);
      last = object.key;
    }
    const keyCount = contents.length + prefixes.length;
    const element = (name: string, value: string | number) => `<${name}>${value}</${name}>`;
    const body =
      `<ListBucketResult xmlns="${XMLNS}">` +
      element('Name', escapeXml(bucket)) +
      element('Prefix', encodeKey(prefix, encoding)) +
      (delimiter ? element('Delimiter', encodeKey(delimiter, encoding)) : '') +
      element('MaxKeys', maxKeys) +
      (encoding ? element('EncodingType', escapeXml(encoding)) : '') +
      element('KeyCount', keyCount) +
      element('IsTruncated', String(truncated)) +
      (token !== null ? element('ContinuationToken', escapeXml(token)) : '') +
      (truncated ? element('NextContinuationToken', Buffer.from(`k:${last}`).toString('base64url')) : '') +
      (params.get('start-after')
        ? element('StartAfter', encodeKey(params.get('start-after') ?? '', encoding))
        : '') +
      contents
        .map(
          (object) =>
            `<Contents>${element('Key', encodeKey(object.key, encoding))}${element('LastModified', object.lastModified)}` +
            `${element('ETag', escapeXml(object.etag))}${element('Size', object.size)}${element('StorageClass', 'STANDARD')}</Contents>`,
        )
        .join('') +
      prefixes
        .map((p) => `<CommonPrefixes>${element('Prefix', encodeKey(p, encoding))}</CommonPrefixes>`)
        .join('') +
      '</ListBucketResult>';
    return xml(body);
  };

  const listBuckets = (): EdgeResponse =>
    xml(
      `<ListAllMyBucketsResult xmlns="${XMLNS}"><Owner><ID>local</ID><DisplayName>local</DisplayName></Owner><Buckets>` +
        store
          .listBuckets()
          .map(
            (b) =>
              `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${b.createdAt}</CreationDate></Bucket>`,
          )
          .join('') +
        '</Buckets></ListAllMyBucketsResult>',
    );

  const serveCdn = (request: EdgeRequest): EdgeResponse => {
    const { bucket, key } = targetOf(request, request.url.pathname.slice(CDN_PATH.length - 1));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return s3Error(request, 403, 'MethodNotAllowed', 'The content delivery path only serves GET and HEAD');
    }
    // With origin access control and no s3:ListBucket, S3 answers 403 for a missing key too.
    const object = bucket && key && store.hasBucket(bucket) ? store.get(bucket, key) : undefined;
    if (!object) return s3Error(request, 403, 'AccessDenied', 'Access Denied');
    return objectResponse(request, object);
  };

  const handle = async (request: EdgeRequest): Promise<EdgeResponse> => {
    try {
      const response = route(request);
      if (request.method === 'OPTIONS') return response;
      const cors = corsHeadersOf(request, safeTargetOf(request).bucket);
      return cors ? { ...response, headers: { ...response.headers, ...cors } } : response;
    } catch (error) {
      if (error instanceof URIError)
        return s3Error(request, 400, 'InvalidURI', "Couldn't parse the specified URI.");
      throw error;
    }
  };

  const route = (request: EdgeRequest): EdgeResponse => {
    if (request.url.pathname.startsWith(CDN_PATH)) return serveCdn(request);
    const { bucket, key } = targetOf(request, request.url.pathname);
    const subresource = [...request.url.searchParams.keys()].find(
      (name) => !name.startsWith('X-Amz-') && !name.startsWith('x-amz-') && !PLAIN_PARAMETERS.has(name),
    );
    const operation = subresource ? `${request.method} ?${subresource}` : undefined;
    if (operation) return notEmulatedResponse(request, { service: 'S3', served: ['s3'] });
    if (request.method === 'OPTIONS') return preflight(request, bucket);

    if (isPresigned(request)) {
      const rejected = checkPresignedUrl(request, {
        secretOf: (accessKeyId) => options.credentials[accessKeyId],
        now,
      });
      if (rejected) return s3Error(request, rejected.status, rejected.code, rejected.message);
    }

    if (!bucket) {
      return request.method === 'GET' ? listBuckets() : notEmulatedResponse(request, { service: 'S3' });
    }
    if (!key) {
      switch (request.method) {
        case 'PUT':
          if (!BUCKET_NAME.test(bucket)) {
            return s3Error(request, 400, 'InvalidBucketName', 'The specified bucket is not valid.', {
              BucketName: bucket,
            });
          }
          if (!store.createBucket(bucket)) {
            return s3Error(
              request,
              409,
              'BucketAlreadyOwnedByYou',
              'Your previous request to create the named bucket succeeded and you already own it.',
              { BucketName: bucket },
            );
          }
          return { status: 200, headers: { location: `/${bucket}`, 'x-amz-request-id': randomUUID() } };
        case 'HEAD':
          return store.hasBucket(bucket)
            ? {
                status: 200,
                headers: { 'x-amz-bucket-region': options.region, 'x-amz-request-id': randomUUID() },
              }
            : { status: 404, headers: { 'x-amz-request-id': randomUUID() } };
        case 'GET':
          if (!store.hasBucket(bucket)) break;
          if (request.url.searchParams.get('list-type') !== '2') {
            return notEmulatedResponse(request, { service: 'S3' });
          }
          return listObjectsV2(request, bucket);
        default:
          return notEmulatedResponse(request, { service: 'S3' });
      }
      return s3Error(request, 404, 'NoSuchBucket', 'The specified bucket does not exist', {
        BucketName: bucket,
      });
    }
    if (!store.hasBucket(bucket)) {
      return s3Error(request, 404, 'NoSuchBucket', 'The specified bucket does not exist', {
        BucketName: bucket,
      });
    }
    switch (request.method) {
      case 'PUT':
        if (header(request, 'x-amz-copy-source')) return notEmulatedResponse(request, { service: 'S3' });
        return putObject(request, bucket, key);
      case 'GET':
      case 'HEAD': {
        const object = store.get(bucket, key);
        if (!object)
          return s3Error(request, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
        return objectResponse(request, object);
      }
      case 'DELETE':
        store.delete(bucket, key);
        return { status: 204, headers: { 'x-amz-request-id': randomUUID() } };
      default:
        return notEmulatedResponse(request, { service: 'S3' });
    }
  };

  return {
    name: 's3',
    canHandle: (request) =>
      request.url.pathname.startsWith(CDN_PATH) || credentialScopeOf(request)?.service === 's3',
    handle,
    configureNotifications(bucket, targets) {
      notifications.set(bucket, targets);
    },
    configureCors(bucket, origins) {
      corsOrigins.set(bucket, origins);
    },
  };
};
