export { checkJava, JavaMissingError, localTableName, startDynamoDbLocal } from './dynamodb/index.ts';
export { type EdgeHandler, type EdgeRequest, type EdgeResponse, startEdge } from './edge/index.ts';
export { freePort, isProcessAlive, killWithParent, stopChild } from './process/index.ts';
export {
  DEFAULT_EDGE_PORT,
  DEFAULT_PORT,
  LOCAL_AUDIENCE,
  LOCAL_CREDENTIALS,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from './stack/local-stack.ts';
