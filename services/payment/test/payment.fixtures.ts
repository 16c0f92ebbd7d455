import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import type { AuthorizePaymentInput } from '@shop/contracts/payment';
import {
  startTestDynamoDb,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestDynamoDb,
} from '@shop/local-cloud/testing';
import type { PaymentDeps } from '../src/application/payment.deps.ts';
import { createPaymentDeps } from '../src/composition-root.ts';
import paymentService from '../src/service.ts';

export const startPaymentDb = (): Promise<TestDynamoDb> => startTestDynamoDb([paymentService]);

export const tableOf = (db: TestDynamoDb): string => db.tableName('payment');

export const depsFor = (db: TestDynamoDb, overrides: Partial<PaymentDeps> = {}): PaymentDeps => ({
  ...createPaymentDeps({ tableName: tableOf(db), source: 'payment', documentClient: db.documentClient }),
  ...overrides,
});

/**
 * Dependencies over a DynamoDB client of their own, like a fresh Lambda instance: nothing in memory is
 * shared with any other instance. Call `close()` when done.
 */
export const freshInstance = (db: TestDynamoDb) => {
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    deps: createPaymentDeps({ tableName: tableOf(db), source: 'payment', documentClient }),
    close: () => client.destroy(),
  };
};

export const newOrderId = (): string => `order-${crypto.randomUUID()}`;

export const authorizeInput = (
  orderId: string,
  overrides: Partial<AuthorizePaymentInput> = {},
): AuthorizePaymentInput => ({
  orderId,
  customerId: 'alice',
  amount: { amount: 2599, currency: 'USD' },
  paymentMethod: 'pm_card_visa',
  ...overrides,
});

/** The events in the table's outbox (tests only: a Scan). */
export const outboxEvents = async (db: TestDynamoDb, orderId?: string): Promise<EventEnvelope[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.documentClient.send(
      new ScanCommand({ TableName: tableOf(db), ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items
    .filter((item) => item.kind === 'outbox')
    .map((item) => JSON.parse(String(item.event)) as EventEnvelope<{ orderId?: string }>)
    .filter((event) => orderId === undefined || event.data.orderId === orderId);
};

/** Every item of the table as text, to check that nothing card-like was written. */
export const tableDump = async (db: TestDynamoDb): Promise<string> => {
  const { Items } = await db.documentClient.send(
    new ScanCommand({ TableName: tableOf(db), ConsistentRead: true }),
  );
  return JSON.stringify(Items ?? []);
};
