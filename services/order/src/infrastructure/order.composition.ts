import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderDeps } from '../application/order.deps.ts';
import { DynamoDbOrderRepository } from './dynamodb-order.repository.ts';
import { LambdaCheckoutViewReader } from './lambda-checkout-view.reader.ts';
import { SfnSagaStarter } from './sfn-saga.starter.ts';

export interface OrderInfrastructureOptions {
  readonly tableName: string;
  readonly source: string;
  /** Defaults to a client configured by the environment (region, `AWS_ENDPOINT_URL`). */
  readonly documentClient?: DynamoDBDocumentClient;
}

export const createDocumentClient = (
  client: DynamoDBClient = new DynamoDBClient({}),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** The adapters every function uses: orders in DynamoDB. */
export const createOrderDeps = (options: OrderInfrastructureOptions): OrderDeps => ({
  orders: new DynamoDbOrderRepository({
    documentClient: options.documentClient ?? createDocumentClient(),
    tableName: options.tableName,
  }),
  source: options.source,
});

/** The cart reader: Lambda Invoke, retries owned by the cockatiel policy rather than the SDK. */
export const createCheckoutViewReader = (functionName: string) =>
  new LambdaCheckoutViewReader({ client: new LambdaClient({ maxAttempts: 1 }), functionName });

export const createSagaStarter = (arns: { checkout: string; cancel: string }) =>
  new SfnSagaStarter({
    client: new SFNClient({}),
    checkoutStateMachineArn: arns.checkout,
    cancelStateMachineArn: arns.cancel,
  });
