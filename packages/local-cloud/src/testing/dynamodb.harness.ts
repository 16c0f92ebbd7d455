import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ServiceDefinition } from '@shop/platform/service';
import { startDynamoDbLocal } from '../dynamodb/dynamodb-local.ts';
import { createServiceTables, localTableName } from '../dynamodb/service-tables.ts';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const TEST_REGION = 'us-east-1';

export interface TestDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** The table of a service, created from its definition. */
  tableName(service: string): string;
  stop(): Promise<void>;
}

/**
 * A DynamoDB Local of its own for one test file, with the tables of the given services.
 *
 * @example
 * let db: TestDynamoDb;
 * beforeAll(async () => { db = await startTestDynamoDb([catalogService]); });
 * afterAll(() => db.stop());
 */
export const startTestDynamoDb = async (services: readonly ServiceDefinition[]): Promise<TestDynamoDb> => {
  const ddb = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: ddb.endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
  });
  try {
    await createServiceTables(client, services);
  } catch (error) {
    client.destroy();
    await ddb.stop();
    throw error;
  }
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    endpoint: ddb.endpoint,
    client,
    documentClient,
    tableName: localTableName,
    stop: async () => {
      client.destroy();
      await ddb.stop();
    },
  };
};
