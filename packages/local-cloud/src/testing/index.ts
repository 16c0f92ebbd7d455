export { type StartedServer, startEdge } from '../edge/index.ts';
export {
  bundleFunctions,
  createLambdaApi,
  createLambdaHost,
  type FunctionSpec,
  functionArn,
  functionNameOf,
  type InvokeResult,
  type LambdaHost,
  type LambdaInvoker,
} from '../lambda/index.ts';
export { cdnUrlOf, createS3EdgeHandler, S3ObjectStore } from '../s3/index.ts';
export { createSesEdgeHandler, Mailbox, type MailboxItem } from '../ses/index.ts';
export { createSqsEdgeHandler, SqsEngine, startSqsEventSource } from '../sqs/index.ts';
export { createStepFunctionsEdgeHandler, StepFunctionsEmulator } from '../stepfunctions/index.ts';
export { startTestDynamoDb, TEST_CREDENTIALS, TEST_REGION, type TestDynamoDb } from './dynamodb.harness.ts';
export {
  type ApiResponse,
  type RequestOptions,
  type Role,
  ShopClient,
  type ShopClientOptions,
  UnexpectedResponseError,
} from './shop.client.ts';
