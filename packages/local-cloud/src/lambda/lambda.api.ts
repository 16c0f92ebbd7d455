import { randomUUID } from 'node:crypto';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from '@shop/platform/service';
import { credentialScopeOf } from '../edge/aws-protocol.ts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { notEmulatedResponse } from '../edge/not-emulated.ts';
import type { EventSourceMappingRegistry } from './event-source-mapping.registry.ts';
import { formatInvocationLog, type InvocationLog, logResultOf } from './invocation-log.ts';
import { LambdaServiceError, TooManyRequestsError } from './lambda.errors.ts';
import type { LambdaHost, RegisteredFunction } from './lambda.host.ts';
import { functionArn, LATEST_VERSION, parseFunctionReference, versionOfQualifier } from './lambda.types.ts';
import { stableUuid } from './stable-uuid.ts';

const FUNCTIONS_PREFIX = '/2015-03-31/functions';
const MAPPINGS_PREFIX = '/2015-03-31/event-source-mappings';
const DEFAULT_PAGE_SIZE = 50;
/** ListEventSourceMappings answers at most 100 per page, whatever MaxItems says. */
const MAPPINGS_PAGE_SIZE = 100;
/** What this API answers; any other Lambda operation is "not emulated". */
const SERVED_OPERATIONS = [
  'Invoke',
  'ListFunctions',
  'GetFunction',
  'GetFunctionConfiguration',
  'ListVersionsByFunction',
  'ListAliases',
  'GetAlias',
  'ListEventSourceMappings',
  'GetEventSourceMapping',
];
/** Lambda's Qualifier pattern and length. */
const QUALIFIER_PATTERN = /^[a-zA-Z0-9$_-]{1,128}$/;
const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';

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

const validationError = (value: string, member: string, constraint: string): EdgeResponse =>
  errorResponse(
    400,
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );

const header = (request: EdgeRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Lambda prints timestamps as `2026-11-26T10:00:00.000+0000`. */
const lambdaTimestamp = (date: Date): string => date.toISOString().replace('Z', '+0000');

/** `FunctionArn` is qualified when the request was: by alias, by version or by `$LATEST`. */
const configurationOf = (fn: RegisteredFunction, qualifier?: string) => ({
  FunctionName: fn.spec.name,
  FunctionArn: qualifier ? `${fn.arn}:${qualifier}` : fn.arn,
  Runtime: LAMBDA_RUNTIME,
  Handler: fn.handler,
  Timeout: fn.spec.timeoutSeconds,
  MemorySize: fn.spec.memoryMb,
  LastModified: lambdaTimestamp(fn.registeredAt),
  Version: LATEST_VERSION,
  Environment: { Variables: fn.spec.environment },
  PackageType: 'Zip',
  Architectures: [LAMBDA_ARCHITECTURE],
  State: 'Active',
  LastUpdateStatus: 'Successful',
  LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.spec.name}` },
});

const aliasOf = (fn: RegisteredFunction, alias: string) => ({
  AliasArn: `${fn.arn}:${alias}`,
  Name: alias,
  FunctionVersion: LATEST_VERSION,
  Description: '',
  // Changes when the function's code does, as an alias's revision does when it is updated.
  RevisionId: stableUuid(fn.arn, alias, fn.registeredAt.toISOString()),
});

/** A page of `items` as Lambda's list APIs page them: `Marker` is an offset, `MaxItems` at most `maxPageSize`. */
const page = <T>(
  request: EdgeRequest,
  items: readonly T[],
  maxPageSize = DEFAULT_PAGE_SIZE,
): { items: readonly T[]; nextMarker?: string } | EdgeResponse => {
  const start = Number(request.url.searchParams.get('Marker') ?? '0');
  const pageSize = Number(request.url.searchParams.get('MaxItems') ?? maxPageSize);
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(pageSize) || pageSize < 1) {
    return errorResponse(
      400,
      'InvalidParameterValueException',
      'Marker and MaxItems must be positive integers',
    );
  }
  const end = start + Math.min(pageSize, maxPageSize);
  return { items: items.slice(start, end), ...(end < items.length ? { nextMarker: String(end) } : {}) };
};

const isResponse = (value: object): value is EdgeResponse => 'status' in value;

/** The log of an invocation whose function never ran (its init failed, the host is shutting down). */
const NOTHING_RAN: InvocationLog = { lines: [], durationMs: 0, maxMemoryUsedMb: 0, timedOut: false };

const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** The path's segments after `prefix`, decoded; undefined when one is not valid percent-encoding. */
const segmentsOf = (path: string, prefix: string): string[] | undefined => {
  try {
    return path
      .slice(prefix.length)
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
};

export interface LambdaApiOptions {
  /** The event source mappings ListEventSourceMappings and GetEventSourceMapping describe. */
  readonly eventSourceMappings?: EventSourceMappingRegistry;
}

/** The function a request names, the qualifier it asks for and the version that qualifier runs. */
interface ResolvedFunction {
  readonly fn: RegisteredFunction;
  readonly qualifier?: string;
  readonly version: string;
}

/**
 * The Lambda API on the AWS edge, as `@aws-sdk/client-lambda` and the `aws` CLI call it: Invoke
 * (RequestResponse, Event, DryRun; `LogType: Tail` returns the log's last 4 KB) by name, ARN,
 * `name:live` or `Qualifier`; ListFunctions,
 * GetFunction, GetFunctionConfiguration, ListVersionsByFunction, ListAliases, GetAlias, and
 * ListEventSourceMappings and GetEventSourceMapping describing the local pollers. Every
 * function has the `live` alias the CDK app gives it, on `$LATEST`. Other Lambda operations answer
 * that they are not emulated.
 *
 * @example
 * const edge = await startEdge([createLambdaApi(host)]);
 * await new LambdaClient({ endpoint: edge.url }).send(new InvokeCommand({ FunctionName: 'catalog-http:live' }));
 */
export const createLambdaApi = (host: LambdaHost, options: LambdaApiOptions = {}): EdgeHandler => {
  const mappings = options.eventSourceMappings;

  const notFound = (name: string, qualifier?: string): EdgeResponse => {
    const arn = functionArn(name, host.region, host.accountId);
    return errorResponse(
      404,
      'ResourceNotFoundException',
      `Function not found: ${qualifier ? `${arn}:${qualifier}` : arn}`,
    );
  };

  /**
   * The function a request names and the qualifier it asks for, checked as Lambda checks them: the
   * name's format, the qualifier's format, a qualifier in both the name and `Qualifier` that differ,
   * an ARN of another region, an unknown function, an unknown version or alias.
   */
  const resolveFunction = (nameOrArn: string, request: EdgeRequest): ResolvedFunction | EdgeResponse => {
    const reference = parseFunctionReference(nameOrArn);
    if (!reference) {
      return validationError(
        nameOrArn,
        'functionName',
        `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
      );
    }
    const fromQuery = request.url.searchParams.get('Qualifier') ?? undefined;
    if (fromQuery !== undefined && !QUALIFIER_PATTERN.test(fromQuery)) {
      return validationError(
        fromQuery,
        'qualifier',
        'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)',
      );
    }
    if (fromQuery !== undefined && reference.qualifier !== undefined && fromQuery !== reference.qualifier) {
      return errorResponse(
        400,
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    if (reference.region !== undefined && reference.region !== host.region) {
      return errorResponse(
        404,
        'ResourceNotFoundException',
        `Functions from '${reference.region}' are not reachable in this region ('${host.region}')`,
      );
    }
    const qualifier = fromQuery ?? reference.qualifier;
    const fn = host.get(reference.name);
    if (!fn) return notFound(reference.name, qualifier);
    const version = versionOfQualifier(qualifier, fn.aliases ?? []);
    if (version === undefined) return notFound(reference.name, qualifier);
    return { fn, version, ...(qualifier !== undefined ? { qualifier } : {}) };
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
    const logType = header(request, 'x-amz-log-type') ?? 'None';
    if (logType !== 'None' && logType !== 'Tail') {
      return validationError(logType, 'logType', 'Member must satisfy enum value set: [None, Tail]');
    }
    const resolved = resolveFunction(nameOrArn, request);
    if (isResponse(resolved)) return resolved;
    const { fn, qualifier, version } = resolved;
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
    // Lambda returns the log of synchronous invocations only.
    const tail = logType === 'Tail' && !async;
    // Qualified as the caller qualified it, so the function's context.invokedFunctionArn is too.
    const result = await host.invoke(qualifier ? `${fn.arn}:${qualifier}` : fn.arn, payload, {
      async,
      awsRequestId,
      captureLog: tail,
      ...(traceId ? { traceId } : {}),
    });
    if (async) return { status: 202, headers: { 'x-amzn-requestid': awsRequestId } };

    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amz-executed-version': version,
      'x-amzn-requestid': awsRequestId,
    };
    if (tail) {
      headers['x-amz-log-result'] = logResultOf(
        formatInvocationLog(result.log ?? NOTHING_RAN, { awsRequestId, version, memoryMb: fn.spec.memoryMb }),
      );
    }
    if (result.ok) return { status: 200, headers, body: JSON.stringify(result.payload) };
    const { errorType, errorMessage, trace } = result.error;
    return {
      status: 200,
      headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
      body: JSON.stringify(trace ? { errorType, errorMessage, trace } : { errorType, errorMessage }),
    };
  };

  const listFunctions = (request: EdgeRequest): EdgeResponse => {
    const listed = page(request, host.functions());
    if (isResponse(listed)) return listed;
    return jsonResponse(200, {
      Functions: listed.items.map((fn) => configurationOf(fn)),
      ...(listed.nextMarker ? { NextMarker: listed.nextMarker } : {}),
    });
  };

  const getFunction = (resolved: ResolvedFunction, withCode: boolean): EdgeResponse => {
    const configuration = configurationOf(resolved.fn, resolved.qualifier);
    if (!withCode) return jsonResponse(200, configuration);
    return jsonResponse(200, {
      Configuration: configuration,
      Code: { RepositoryType: 'S3', Location: `file://${resolved.fn.bundlePath}` },
    });
  };

  const listAliases = (request: EdgeRequest, fn: RegisteredFunction): EdgeResponse => {
    const version = request.url.searchParams.get('FunctionVersion');
    const aliases = (fn.aliases ?? [])
      .map((alias) => aliasOf(fn, alias))
      .filter((a) => !version || a.FunctionVersion === version);
    const listed = page(request, aliases);
    if (isResponse(listed)) return listed;
    return jsonResponse(200, {
      Aliases: listed.items,
      ...(listed.nextMarker ? { NextMarker: listed.nextMarker } : {}),
    });
  };

  const getAlias = (fn: RegisteredFunction, alias: string): EdgeResponse =>
    fn.aliases?.includes(alias)
      ? jsonResponse(200, aliasOf(fn, alias))
      : errorResponse(404, 'ResourceNotFoundException', `Cannot find alias arn: ${fn.arn}:${alias}`);

  const listVersions = (request: EdgeRequest, fn: RegisteredFunction): EdgeResponse => {
    const listed = page(request, [configurationOf(fn, LATEST_VERSION)]);
    if (isResponse(listed)) return listed;
    return jsonResponse(200, {
      Versions: listed.items,
      ...(listed.nextMarker ? { NextMarker: listed.nextMarker } : {}),
    });
  };

  /**
   * Mappings filtered as Lambda filters them: `EventSourceArn` exactly, `FunctionName` by the ARN it
   * names. A qualified name lists the mappings of that alias or version, an unqualified one those of
   * the function itself (the API reference's reading of "Version or Alias ARN"; not checked against
   * AWS here). Filters naming nothing that exists list nothing rather than failing, as in AWS.
   */
  const listMappings = (request: EdgeRequest): EdgeResponse => {
    const eventSourceArn = request.url.searchParams.get('EventSourceArn');
    const functionName = request.url.searchParams.get('FunctionName');
    let targetArn: string | undefined;
    if (functionName !== null) {
      const reference = parseFunctionReference(functionName);
      if (!reference) {
        return validationError(
          functionName,
          'functionName',
          `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
        );
      }
      const arn = functionArn(
        reference.name,
        reference.region ?? host.region,
        reference.accountId ?? host.accountId,
      );
      targetArn = reference.qualifier ? `${arn}:${reference.qualifier}` : arn;
    }
    const matching = (mappings?.list() ?? []).filter(
      (mapping) =>
        (eventSourceArn === null || mapping.EventSourceArn === eventSourceArn) &&
        (targetArn === undefined || mapping.FunctionArn === targetArn),
    );
    const listed = page(request, matching, MAPPINGS_PAGE_SIZE);
    if (isResponse(listed)) return listed;
    return jsonResponse(200, {
      EventSourceMappings: listed.items,
      ...(listed.nextMarker ? { NextMarker: listed.nextMarker } : {}),
    });
  };

  const routeMappings = (request: EdgeRequest): EdgeResponse | undefined => {
    const segments = segmentsOf(request.url.pathname, MAPPINGS_PREFIX) ?? [];
    const [uuid, ...rest] = segments;
    if (request.method !== 'GET' || rest.length > 0) return undefined;
    if (uuid === undefined) return listMappings(request);
    const mapping = mappings?.get(uuid);
    return mapping
      ? jsonResponse(200, mapping)
      : errorResponse(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');
  };

  /** `/2015-03-31/functions/{name}[/{resource}[/{id}]]` by method. */
  const routeFunctions = async (request: EdgeRequest): Promise<EdgeResponse | undefined> => {
    const segments = segmentsOf(request.url.pathname, FUNCTIONS_PREFIX);
    if (!segments) {
      return validationError(
        request.url.pathname,
        'functionName',
        `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
      );
    }
    const [nameOrArn, resource, id, ...rest] = segments;
    if (rest.length > 0 || request.method !== (resource === 'invocations' ? 'POST' : 'GET')) return undefined;
    if (nameOrArn === undefined) return listFunctions(request);
    if (resource === 'invocations' && id === undefined) return invoke(nameOrArn, request);
    const resolved = resolveFunction(nameOrArn, request);
    if (isResponse(resolved)) return resolved;
    if (resource === undefined) return getFunction(resolved, true);
    if (resource === 'configuration' && id === undefined) return getFunction(resolved, false);
    if (resource === 'aliases')
      return id === undefined ? listAliases(request, resolved.fn) : getAlias(resolved.fn, id);
    if (resource === 'versions' && id === undefined) return listVersions(request, resolved.fn);
    return undefined;
  };

  const route = async (request: EdgeRequest): Promise<EdgeResponse> => {
    const path = request.url.pathname;
    const answer = isUnder(path, FUNCTIONS_PREFIX)
      ? await routeFunctions(request)
      : isUnder(path, MAPPINGS_PREFIX)
        ? routeMappings(request)
        : undefined;
    return answer ?? notEmulatedResponse(request, { service: 'Lambda', served: SERVED_OPERATIONS });
  };

  return {
    name: 'lambda',
    // Every request signed for Lambda comes here, so one this API does not serve says what it does serve.
    canHandle: (request) =>
      isUnder(request.url.pathname, FUNCTIONS_PREFIX) ||
      isUnder(request.url.pathname, MAPPINGS_PREFIX) ||
      credentialScopeOf(request)?.service === 'lambda',
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
