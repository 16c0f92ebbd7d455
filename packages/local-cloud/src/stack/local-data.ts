import { join } from 'node:path';

/** Where `--persist` keeps DynamoDB's data, Step Functions' state machines and executions, and the dev signing key. */
export const localDataDirs = (root: string) => ({
  dynamoDb: join(root, '.data', 'dynamodb'),
  stepFunctions: join(root, '.data', 'stepfunctions'),
  signingKey: join(root, '.data', 'dev-signing-key.json'),
  secrets: join(root, '.data', 'secrets.json'),
});
