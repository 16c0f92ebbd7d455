import { join, resolve } from 'node:path';

/** Where `--persist` keeps its data: `SHOP_DATA_DIR` when set, else `<root>/.data`. */
export const dataDirOf = (root: string, override?: string): string =>
  override ? resolve(override) : join(root, '.data');

/**
 * What `--persist` keeps, under one data folder: DynamoDB's data, SQS queues and messages, Step
 * Functions' state machines and executions, S3's buckets and objects, the dev signing key and the secrets.
 */
export const localDataDirs = (dataDir: string) => ({
  dynamoDb: join(dataDir, 'dynamodb'),
  sqs: join(dataDir, 'sqs'),
  stepFunctions: join(dataDir, 'stepfunctions'),
  s3: join(dataDir, 's3'),
  signingKey: join(dataDir, 'dev-signing-key.json'),
  secrets: join(dataDir, 'secrets.json'),
});
