export { LAMBDA_ARCHITECTURE, LAMBDA_BUNDLING, LAMBDA_RUNTIME } from './bundling.ts';
export {
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_SECONDS,
  defineService,
  functionName,
  httpRoutesOf,
} from './define-service.ts';
export { loadServiceDefinitions } from './load-services.ts';
export type {
  FunctionDefinition,
  GatewayAuth,
  GlobalSecondaryIndex,
  HttpMethod,
  HttpRoute,
  HttpTrigger,
  KeyAttribute,
  ResolvedFunction,
  SeedDefinition,
  ServiceDefinition,
  ServiceDefinitionInput,
  SqsTrigger,
  StateMachineDefinition,
  StreamTrigger,
  TableDefinition,
  TaskTrigger,
  Trigger,
} from './service-definition.ts';
export {
  DEFAULT_MAX_RECEIVE_COUNT,
  deadLetterQueueNameOf,
  eventRoutesOf,
  type FunctionBindings,
  functionEnvironment,
  invokedFunctionVariable,
  queueNameOf,
  resolveInvokedFunction,
  type Subscription,
  stateMachineArnVariable,
  stateMachineNameOf,
  subscriptionsOfAll,
  taskPlaceholderOf,
  taskSubstitutionsOf,
} from './wiring.ts';
