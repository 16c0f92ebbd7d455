import { awsErrorResponse, credentialScopeOf, protocolOf, queryParametersOf } from './aws-protocol.ts';
import type { EdgeRequest, EdgeResponse } from './edge.types.ts';

/**
 * The code of the error a client gets for an AWS API the edge does not emulate. 501 Not Implemented:
 * the SDKs and the CLI do not retry it (they retry 500, 502, 503 and 504), so the error shows at once.
 */
export const NOT_EMULATED_CODE = 'NotImplemented';
export const NOT_EMULATED_STATUS = 501;

/** How a user knows the services a request can reach, by SigV4 signing name. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  apigateway: 'API Gateway',
  cloudformation: 'CloudFormation',
  'cognito-idp': 'Cognito user pools',
  dynamodb: 'DynamoDB',
  ec2: 'EC2',
  events: 'EventBridge',
  iam: 'IAM',
  kinesis: 'Kinesis',
  kms: 'KMS',
  lambda: 'Lambda',
  logs: 'CloudWatch Logs',
  monitoring: 'CloudWatch',
  s3: 'S3',
  scheduler: 'EventBridge Scheduler',
  secretsmanager: 'Secrets Manager',
  ses: 'SES',
  sns: 'SNS',
  sqs: 'SQS',
  ssm: 'Systems Manager',
  states: 'Step Functions',
  // The name of the edge's Step Functions handler, for the list of what the edge emulates.
  stepfunctions: 'Step Functions',
  sts: 'STS',
  xray: 'X-Ray',
};

export interface NotEmulatedOptions {
  /** The service, when the caller knows it better than the signature does. */
  readonly service?: string;
  /** What the edge does serve, for the message. */
  readonly served?: readonly string[];
}

/** The operation, where the protocol names it: `X-Amz-Target`, `Action`, or an RPC v2 path. */
const operationOf = (request: EdgeRequest): string | undefined => {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return target.slice(target.lastIndexOf('.') + 1);
  const rpcOperation = /^\/service\/[^/]+\/operation\/([^/]+)$/.exec(request.url.pathname)?.[1];
  return rpcOperation ?? queryParametersOf(request)?.get('Action') ?? undefined;
};

/** The service a request is for: its signing name, else the prefix of its `X-Amz-Target`. */
const serviceOf = (request: EdgeRequest): string | undefined => {
  const service = credentialScopeOf(request)?.service;
  if (service) return SERVICE_NAMES[service] ?? service;
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' && target.includes('.')
    ? target.slice(0, target.indexOf('.'))
    : undefined;
};

/**
 * The answer to a request for an AWS API the local edge does not emulate, in the protocol the client
 * speaks (so `aws s3 ls` prints a readable error rather than failing to parse one), naming the
 * service and the operation.
 *
 * @example
 * // An SNS client's ListTopics fails with: NotImplemented: SNS ListTopics is not emulated by the local AWS edge ...
 * return notEmulatedResponse(request, { served: ['dynamodb', 'sqs'] });
 */
export const notEmulatedResponse = (request: EdgeRequest, options: NotEmulatedOptions = {}): EdgeResponse => {
  const service = options.service ?? serviceOf(request) ?? 'This AWS API';
  const operation = operationOf(request);
  const what = operation
    ? `${service} ${operation}`
    : `${service} request ${request.method} ${request.url.pathname}`;
  const servedNames = (options.served ?? []).map((name) => SERVICE_NAMES[name] ?? name);
  const served = servedNames.length > 0 ? ` It emulates ${servedNames.join(', ')}.` : '';
  // A served service reached in another protocol (an older CLI speaking SQS's query protocol, say).
  const protocol = servedNames.includes(service) ? ` in the ${protocolOf(request)} protocol` : '';
  return awsErrorResponse(request, {
    status: NOT_EMULATED_STATUS,
    code: NOT_EMULATED_CODE,
    message: `${what} is not emulated by the local AWS edge${protocol}.${served}`,
  });
};
