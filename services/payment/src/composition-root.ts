import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/platform/dynamodb';
import type { PaymentDeps } from './application/payment.deps.ts';
import { createPaymentTasks } from './application/payment.tasks.ts';
import { taskEnv } from './env.ts';
import { DynamoDbPaymentRepository } from './infrastructure/dynamodb-payment.repository.ts';
import { SimulatedPaymentProvider } from './infrastructure/simulated-payment.provider.ts';

/** The one place the payment service chooses its adapters; handlers only call these. */

export interface PaymentInfrastructureOptions {
  readonly tableName: string;
  readonly source: string;
  /** Defaults to a client configured by the environment (region, `AWS_ENDPOINT_URL`). */
  readonly documentClient?: DynamoDBDocumentClient;
}

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

/** The saga tasks of a function instance, built from the environment (once, at cold start). */
export const createTasksFromEnv = () => {
  const env = taskEnv();
  return createPaymentTasks(createPaymentDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }));
};
