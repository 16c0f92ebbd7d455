export { checkJava, JavaMissingError, localTableName, startDynamoDbLocal } from './dynamodb/index.ts';
export {
  type EdgeHandler,
  type EdgeRequest,
  type EdgeResponse,
  listen,
  readBody,
  type StartedServer,
  startEdge,
} from './edge/index.ts';
export { type Fault, FaultRegistry, FaultSpec, type FaultSpecInput } from './faults/index.ts';
export { builtinRouteConfigs, flattenClaims, toHttpApiEvent } from './gateway/index.ts';
export {
  bundleFunctions,
  type FunctionSpec,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  lambdaBuildOptions,
} from './lambda/index.ts';
export { freePort, isProcessAlive, killWithParent, stopChild } from './process/index.ts';
export { PortInUseError } from './stack/listen-ports.check.ts';
export { LOCAL_EMAIL_FROM_ADDRESS } from './stack/local-defaults.ts';
export {
  DEFAULT_EDGE_PORT,
  DEFAULT_PORT,
  LOCAL_AUDIENCE,
  LOCAL_CREDENTIALS,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from './stack/local-stack.ts';
export { serviceBucketsOf } from './stack/service-buckets.step.ts';
