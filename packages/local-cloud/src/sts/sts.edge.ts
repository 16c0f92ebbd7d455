import { randomUUID } from 'node:crypto';
import { awsErrorResponse, credentialScopeOf, escapeXml, queryParametersOf } from '../edge/aws-protocol.ts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { notEmulatedResponse } from '../edge/not-emulated.ts';
import { LOCAL_ACCOUNT_ID } from '../lambda/lambda.types.ts';

export const STS_API_VERSION = '2011-06-15';
const XMLNS = `https://sts.amazonaws.com/doc/${STS_API_VERSION}/`;

/** Every action of the STS API; only GetCallerIdentity is emulated, the others say so. */
const STS_ACTIONS: ReadonlySet<string> = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetCallerIdentity',
  'GetDelegatedAccessToken',
  'GetFederationToken',
  'GetSessionToken',
  'GetWebIdentityToken',
]);

export interface StsEdgeOptions {
  /** The account every local identity belongs to. Default {@link LOCAL_ACCOUNT_ID}. */
  readonly accountId?: string;
}

/** Who a request's credentials say the caller is. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

/**
 * The local identity of a caller: the local account's root user, with the access key the request was
 * signed with as its user id (any key is accepted locally, so the key is what tells callers apart).
 */
export const callerIdentityOf = (accessKeyId: string, accountId = LOCAL_ACCOUNT_ID): CallerIdentity => ({
  account: accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accessKeyId,
});

const xmlResponse = (body: string, requestId: string): EdgeResponse => ({
  status: 200,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

/**
 * STS on the AWS edge, in its query protocol (form-encoded requests, XML responses), as
 * `@aws-sdk/client-sts`, the `aws` CLI and the CDK CLI call it: `GetCallerIdentity` answers the local
 * account; the other STS actions answer that they are not emulated.
 *
 * @example
 * const edge = await startEdge([createStsEdgeHandler()]);
 * await new STSClient({ endpoint: edge.url }).send(new GetCallerIdentityCommand({})); // Account 000000000000
 */
export const createStsEdgeHandler = (options: StsEdgeOptions = {}): EdgeHandler => {
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;

  const getCallerIdentity = (request: EdgeRequest, requestId: string): EdgeResponse => {
    const scope = credentialScopeOf(request);
    if (!scope) {
      return awsErrorResponse(
        request,
        {
          status: 403,
          code: 'MissingAuthenticationToken',
          message: 'Request is missing Authentication Token',
        },
        requestId,
      );
    }
    const identity = callerIdentityOf(scope.accessKeyId, accountId);
    return xmlResponse(
      `<GetCallerIdentityResponse xmlns="${XMLNS}"><GetCallerIdentityResult>` +
        `<Arn>${escapeXml(identity.arn)}</Arn><UserId>${escapeXml(identity.userId)}</UserId>` +
        `<Account>${escapeXml(identity.account)}</Account></GetCallerIdentityResult>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      requestId,
    );
  };

  return {
    name: 'sts',
    canHandle: (request) =>
      credentialScopeOf(request)?.service === 'sts' ||
      queryParametersOf(request)?.get('Version') === STS_API_VERSION,
    handle: async (request) => {
      const requestId = randomUUID();
      const action = queryParametersOf(request)?.get('Action') ?? undefined;
      if (action === 'GetCallerIdentity') return getCallerIdentity(request, requestId);
      if (action !== undefined && STS_ACTIONS.has(action)) {
        return notEmulatedResponse(request, { service: 'STS', served: ['GetCallerIdentity'] });
      }
      return awsErrorResponse(
        request,
        {
          status: 400,
          code: 'InvalidAction',
          message: action
            ? `Could not find operation ${action} for version ${STS_API_VERSION}`
            : 'The request names no Action',
        },
        requestId,
      );
    },
  };
};
