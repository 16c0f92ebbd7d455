export { LAMBDA_ARCHITECTURE, LAMBDA_BUNDLING, LAMBDA_RUNTIME } from './bundling.ts';
export {
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_SECONDS,
  defineService,
  functionName,
  httpRoutesOf,
  subscriptionsOf,
} from './define-service.ts';
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
