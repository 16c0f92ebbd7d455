import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PaymentDeps } from '../application/payment.deps.ts';
import { DynamoDbPaymentRepository } from './dynamodb-payment.repository.ts';
import { SimulatedPaymentProvider } from './simulated-payment.provider.ts';

export interface PaymentInfrastructureOptions {
  readonly tableName: string;
  readonly source: string;
  /** Defaults to a client configured by the environment (region, `AWS_ENDPOINT_URL`). */
  readonly documentClient?: DynamoDBDocumentClient;
}

export const createDocumentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

/**
 * The service's adapters: payments in DynamoDB, and the simulated provider. A real provider is wired
 * here instead (see the README), the use cases do not change.
 */
export const createPaymentDeps = (options: PaymentInfrastructureOptions): PaymentDeps => {
  const documentClient = options.documentClient ?? createDocumentClient();
  return {
    payments: new DynamoDbPaymentRepository({ documentClient, tableName: options.tableName }),
    provider: new SimulatedPaymentProvider({ documentClient, tableName: options.tableName }),
    source: options.source,
  };
};
