export {
  createEventSourceMappingRegistry,
  type EventSourceMappingConfiguration,
  type EventSourceMappingRegistry,
} from './event-source-mapping.registry.ts';
export { type ExecutionEnvironment, INIT_TIMEOUT_MS } from './execution-environment.ts';
export {
  formatInvocationLog,
  type InvocationLog,
  type InvocationLogContext,
  LOG_RESULT_BYTES,
  logResultOf,
} from './invocation-log.ts';
export { createLambdaApi, type LambdaApiOptions } from './lambda.api.ts';
export { type BundleResult, bundleFunctions, lambdaBuildOptions } from './lambda.bundler.ts';
export {
  FunctionNotFoundError,
  InvalidRequestContentError,
  LambdaServiceError,
  RequestTooLargeError,
  ReservedEnvironmentVariableError,
} from './lambda.errors.ts';
export {
  createLambdaHost,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONCURRENCY_PER_FUNCTION,
  type LambdaHost,
  type LambdaHostOptions,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
  RESERVED_ENVIRONMENT_VARIABLES,
  type RegisteredFunction,
} from './lambda.host.ts';
export { createLambdaLocalApi, type FunctionStats, functionStatsOf } from './lambda.local-api.ts';
export {
  type FunctionError,
  type FunctionReference,
  type FunctionSpec,
  functionArn,
  functionNameOf,
  type InvokeOptions,
  type InvokeResult,
  LATEST_VERSION,
  type LambdaInvoker,
  LIVE_ALIAS,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  parseFunctionReference,
  versionOfQualifier,
} from './lambda.types.ts';
