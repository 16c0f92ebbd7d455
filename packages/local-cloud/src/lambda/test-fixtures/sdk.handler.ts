import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// Created at init, reused warm, as real handlers do.
const client = new DynamoDBClient({});

/** Proves the SDK inside the function configures itself from the Lambda environment alone. */
export const handler = async () => {
  const credentials = await client.config.credentials();
  return { region: await client.config.region(), accessKeyId: credentials.accessKeyId };
};
