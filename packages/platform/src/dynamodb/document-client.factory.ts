import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traceClient } from '../tracing/tracer.ts';

/**
 * The document client every service uses: configured by the environment (region,
 * `AWS_ENDPOINT_URL`) as in Lambda, traced with X-Ray in AWS, and dropping `undefined` members instead of refusing them.
 */
export const createDocumentClient = (
  client: DynamoDBClient = traceClient(new DynamoDBClient({})),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
