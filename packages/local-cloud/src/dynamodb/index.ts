export {
  checkJava,
  type DynamoDbLocal,
  JavaMissingError,
  type StartDynamoDbLocalOptions,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
export { createDynamoDbProxy } from './dynamodb-proxy.ts';
export {
  createServiceTable,
  createServiceTables,
  localTableName,
  type ServiceTable,
} from './service-tables.ts';
