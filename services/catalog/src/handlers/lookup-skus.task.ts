import { createLookupSkusFunction } from '../application/sku-lookup.use-case.ts';
import { taskEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { DynamoDbSkuDirectory } from '../infrastructure/dynamodb-sku-directory.repository.ts';

// Invoked directly by other services (Lambda Invoke), not by a state machine.
export const handler = createLookupSkusFunction({
  skus: new DynamoDbSkuDirectory(documentClientFromEnvironment(), taskEnv().TABLE_NAME),
});
