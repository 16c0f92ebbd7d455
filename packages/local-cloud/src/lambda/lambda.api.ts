import { randomUUID } from 'node:crypto';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from '@shop/platform/service';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { LambdaServiceError, TooManyRequestsError } from './lambda.errors.ts';
import type { LambdaHost, RegisteredFunction } from './lambda.host.ts';
import { functionArn, functionNameOf } from './lambda.types.ts';

const API_PREFIX = '/2015-03-31/functions';
const DEFAULT_PAGE_SIZE = 50;

const errorResponse = (
  status: number,
  type: string,
  message: string,
  requestId = randomUUID(),
): EdgeResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': requestId },
  body: JSON.stringify({ Type: 'User', message }),
});

const jsonResponse = (status: number, body: unknown): EdgeResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
  body: JSON.stringify(body),
});

const header = (request: EdgeRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Lambda prints timestamps as `2026-11-26T10:00:00.000+0000`. */
const lambdaTimestamp = (date: Date): string => date.toISOString().replace('Z', '+0000');

const configurationOf = (fn: RegisteredFunction) => ({
  FunctionName: fn.spec.name,
  FunctionArn: fn.arn,
  Runtime: LAMBDA_RUNTIME,
  Handler: fn.handler,
  Timeout: fn.spec.timeoutSeconds,
  MemorySize: fn.spec.memoryMb,
  LastModified: lambdaTimestamp(fn.registeredAt),
  Version: '$LATEST',
  Environment: { Variables: fn.spec.environment },
  PackageType: 'Zip',
  Architectures: [LAMBDA_ARCHITECTURE],
  State: 'Active',
  LastUpdateStatus: 'Successful',
  LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.spec.name}` },
});

/** The qualifier of `name:qualifier`, `arn:...:function:name:qualifier` or `?Qualifier=`. */
const qualifierOf = (nameOrArn: string, request: EdgeRequest): string | undefined => {
  const fromQuery = request.url.searchParams.get('Qualifier') ?? undefined;
  const parts = nameOrArn.split(':');
  const fromName = nameOrArn.startsWith('arn:') ? parts[7] : parts.length === 2 ? parts[1] : undefined;
  return fromQuery ?? fromName;
};

/**
 * The Lambda API on the AWS edge: Invoke (RequestResponse, Event, DryRun), ListFunctions,
 * GetFunction and GetFunctionConfiguration, as `@aws-sdk/client-lambda` and the `aws` CLI call them.
 *
 * @example
 * const edge = await startEdge([createLambdaApi(host)]);
 * await new LambdaClient({ endpoint: edge.url }).send(new InvokeCommand({ FunctionName: 'catalog-http' }));
 */
export const createLambdaApi = (host: LambdaHost): EdgeHandler => {
  const notFound = (nameOrArn: string, qualifier?: string): EdgeResponse => {
    const name = functionNameOf(nameOrArn).split(':')[0] ?? nameOrArn;
    const arn = functionArn(name, host.region, host.accountId);
    return errorResponse(
      404,
      'ResourceNotFoundException',
      `Function not found: ${qualifier ? `${arn}:${qualifier}` : arn}`,
    );
  };

  /** The registered function a request names, or the 404 Lambda answers. */
  const resolveFunction = (nameOrArn: string, request: EdgeRequest): RegisteredFunction | EdgeResponse => {
    const qualifier = qualifierOf(nameOrArn, request);
    const name = functionNameOf(nameOrArn).split(':')[0] ?? nameOrArn;
    const fn = host.get(name);
    if (!fn) return notFound(nameOrArn);
    if (qualifier !== undefined && qualifier !== '$LATEST') return notFound(nameOrArn, qualifier);
    return fn;
  };

  const invoke = async (nameOrArn: string, request: EdgeRequest): Promise<EdgeResponse> => {
    const invocationType = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
      return errorResponse(
        400,
        'InvalidParameterValueException',
        `Unsupported invocation type: ${invocationType}; use RequestResponse, Event or DryRun`,
      );
    }
    const fn = resolveFunction(nameOrArn, request);
    if (!('spec' in fn)) return fn;
    const awsRequestId = randomUUID();
    if (invocationType === 'DryRun') return { status: 204, headers: { 'x-amzn-requestid': awsRequestId } };

    let payload: unknown = {};
    if (request.body.length > 0) {
      try {
        payload = JSON.parse(request.body.toString('utf8'));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return errorResponse(
          400,
          'InvalidRequestContentException',
          `Could not parse request body into json: ${reason}`,
        );
      }
    }
    const traceId = header(request, 'x-amzn-trace-id');
    const async = invocationType === 'Event';
    const result = await host.invoke(fn.arn, payload, {
      async,
      awsRequestId,
      ...(traceId ? { traceId } : {}),
    });
    if (async) return { status: 202, headers: { 'x-amzn-requestid': awsRequestId } };

    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': awsRequestId,
    };
    if (result.ok) return { status: 200, headers, body: JSON.stringify(result.payload) };
    const { errorType, errorMessage, trace } = result.error;
    return {
      status: 200,
      headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
      body: JSON.stringify(trace ? { errorType, errorMessage, trace } : { errorType, errorMessage }),
    };
  };

  const listFunctions = (request: EdgeRequest): EdgeResponse => {
    const all = host.functions();
    const start = Number(request.url.searchParams.get('Marker') ?? '0');
    const pageSize = Number(request.url.searchParams.get('MaxItems') ?? DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(pageSize) || pageSize < 1) {
      return errorResponse(
        400,
        'InvalidParameterValueException',
        'Marker and MaxItems must be positive integers',
      );
    }
    const end = start + Math.min(pageSize, DEFAULT_PAGE_SIZE);
    return jsonResponse(200, {
      Functions: all.slice(start, end).map(configurationOf),
      ...(end < all.length ? { NextMarker: String(end) } : {}),
    });
  };

  const route = async (request: EdgeRequest): Promise<EdgeResponse> => {
    const segments = request.url.pathname
      .slice(API_PREFIX.length)
      .split('/')
      .filter((s) => s !== '');
    const [encodedName, resource, ...rest] = segments;
    if (encodedName === undefined) {
      if (request.method === 'GET') return listFunctions(request);
    } else if (rest.length === 0) {
      const nameOrArn = decodeURIComponent(encodedName);
      if (request.method === 'POST' && resource === 'invocations') return invoke(nameOrArn, request);
      if (request.method === 'GET' && (resource === undefined || resource === 'configuration')) {
        const fn = resolveFunction(nameOrArn, request);
        if (!('spec' in fn)) return fn;
        if (resource === 'configuration') return jsonResponse(200, configurationOf(fn));
        return jsonResponse(200, {
          Configuration: configurationOf(fn),
          Code: { RepositoryType: 'S3', Location: `file://${fn.bundlePath}` },
        });
      }
    }
    return errorResponse(
      400,
      'UnknownOperationException',
      `The local Lambda API does not support ${request.method} ${request.url.pathname}`,
    );
  };

  return {
    name: 'lambda',
    canHandle: (request) =>
      request.url.pathname === API_PREFIX || request.url.pathname.startsWith(`${API_PREFIX}/`),
    async handle(request) {
      try {
        return await route(request);
      } catch (error) {
        if (error instanceof TooManyRequestsError) {
          // AWS's shape: a `Reason`, and `Retry-After` (the SDKs back off and retry a throttle).
          const response = errorResponse(error.status, error.code, error.message);
          return {
            ...response,
            headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) },
            body: JSON.stringify({ Type: 'User', message: error.message, Reason: error.reason }),
          };
        }
        if (error instanceof LambdaServiceError)
          return errorResponse(error.status, error.code, error.message);
        throw error;
      }
    },
  };
};
