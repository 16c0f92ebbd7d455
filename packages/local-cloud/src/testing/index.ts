export { startTestDynamoDb, TEST_CREDENTIALS, TEST_REGION, type TestDynamoDb } from './dynamodb.harness.ts';
