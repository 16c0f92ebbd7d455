import { join } from 'node:path';

/** Where `--persist` keeps DynamoDB's data and the dev signing key. */
export const localDataDirs = (root: string) => ({
  dynamoDb: join(root, '.data', 'dynamodb'),
  signingKey: join(root, '.data', 'dev-signing-key.json'),
  secrets: join(root, '.data', 'secrets.json'),
});
