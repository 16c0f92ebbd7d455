import { randomUUID } from 'node:crypto';
import { cbor } from '@smithy/core/cbor';
import type { EdgeRequest, EdgeResponse } from './edge.types.ts';

/** The wire protocols of AWS APIs, named as in their Smithy models. */
export type AwsProtocol =
  | 'awsJson1_0'
  | 'awsJson1_1'
  | 'restJson1'
  | 'awsQuery'
  | 'ec2Query'
  | 'restXml'
  | 'rpcv2Cbor';

/** The scope a SigV4 signature names: `<access key>/<date>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  /** The signing name, e.g. `s3`, `sns`, `events`, `states`. */
  readonly service: string;
}

/** An AWS error, in whatever protocol the client speaks. */
export interface AwsErrorShape {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Query protocols say whose fault it is: `Sender` (4xx) or `Receiver` (5xx). */
  readonly fault?: 'Sender' | 'Receiver';
}

/** REST services that answer XML (the others answer JSON). */
const REST_XML_SERVICES: ReadonlySet<string> = new Set(['s3', 'cloudfront', 'route53']);

const headerOf = (request: EdgeRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The credential scope of a request signed in the `Authorization` header or presigned in the URL
 * (`X-Amz-Credential`); undefined for an unsigned request.
 */
export const credentialScopeOf = (request: EdgeRequest): CredentialScope | undefined => {
  const credential =
    /Credential=([^,\s]+)/.exec(headerOf(request, 'authorization') ?? '')?.[1] ??
    request.url.searchParams.get('X-Amz-Credential') ??
    undefined;
  const [accessKeyId, date, region, service, terminator] = credential?.split('/') ?? [];
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') return undefined;
  return { accessKeyId, date, region, service };
};

/** The parameters of a query-protocol request: its form body, or its URL query for a GET. */
export const queryParametersOf = (request: EdgeRequest): URLSearchParams | undefined => {
  const contentType = headerOf(request, 'content-type') ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.has('Action')) return form;
  }
  return request.url.searchParams.has('Action') ? request.url.searchParams : undefined;
};

/**
 * Which protocol the client speaks, from what every AWS SDK and the `aws` CLI send: the
 * `smithy-protocol` header (RPC v2 CBOR), the JSON content types (with `X-Amz-Target`), an `Action`
 * parameter (query; EC2 has its own variant), and otherwise the signing service (REST XML for S3,
 * CloudFront and Route 53, REST JSON for the rest).
 */
export const protocolOf = (request: EdgeRequest): AwsProtocol => {
  if (headerOf(request, 'smithy-protocol') === 'rpc-v2-cbor') return 'rpcv2Cbor';
  const contentType = headerOf(request, 'content-type') ?? '';
  if (contentType.startsWith('application/x-amz-json-1.0')) return 'awsJson1_0';
  if (contentType.startsWith('application/x-amz-json-1.1')) return 'awsJson1_1';
  const service = credentialScopeOf(request)?.service;
  if (queryParametersOf(request)) return service === 'ec2' ? 'ec2Query' : 'awsQuery';
  if (headerOf(request, 'x-amz-target') !== undefined) return 'awsJson1_1';
  return service !== undefined && REST_XML_SERVICES.has(service) ? 'restXml' : 'restJson1';
};

export const escapeXml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * An error response the client's SDK parses into an exception named `code` with `message`: the
 * error shapes of each protocol as the AWS SDKs read them.
 */
export const awsErrorResponse = (
  request: EdgeRequest,
  error: AwsErrorShape,
  requestId: string = randomUUID(),
): EdgeResponse => {
  const fault = error.fault ?? (error.status >= 500 ? 'Receiver' : 'Sender');
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  const protocol = protocolOf(request);
  const xml = (body: string): EdgeResponse => ({
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: XML_DECLARATION + body,
  });
  switch (protocol) {
    case 'awsJson1_0':
    case 'awsJson1_1':
      return {
        status: error.status,
        headers: {
          'content-type': `application/x-amz-json-${protocol === 'awsJson1_0' ? '1.0' : '1.1'}`,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'rpcv2Cbor':
      return {
        status: error.status,
        headers: {
          'content-type': 'application/cbor',
          'smithy-protocol': 'rpc-v2-cbor',
          'x-amzn-requestid': requestId,
        },
        body: cbor.serialize({ __type: error.code, message: error.message }),
      };
    case 'restJson1':
      return {
        status: error.status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': error.code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ message: error.message }),
      };
    case 'awsQuery':
      return xml(
        `<ErrorResponse><Error><Type>${fault}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    case 'ec2Query':
      return xml(
        `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
          `<RequestID>${requestId}</RequestID></Response>`,
      );
    case 'restXml':
      // S3 answers a bare <Error>; CloudFront and Route 53 wrap it like the query protocol.
      if (credentialScopeOf(request)?.service === 's3') {
        return xml(
          `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
        );
      }
      return xml(
        `<ErrorResponse><Error><Type>${fault}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
  }
};
