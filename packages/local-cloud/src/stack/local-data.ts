import { join } from 'node:path';

/** Where `--persist` keeps DynamoDB's data, SQS queues and messages, Step Functions' state machines and executions, the dev signing key and secrets. */
export const localDataDirs = (root: string) => ({
  dynamoDb: join(root, '.data', 'dynamodb'),
  sqs: join(root, '.data', 'sqs'),
  stepFunctions: join(root, '.data', 'stepfunctions'),
  signingKey: join(root, '.data', 'dev-signing-key.json'),
  secrets: join(root, '.data', 'secrets.json'),
});
