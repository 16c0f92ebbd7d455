import { randomUUID } from 'node:crypto';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Order } from '@shop/contracts/order';
import {
  createSesEdgeHandler,
  Mailbox,
  type StartedServer,
  startEdge,
  startTestDynamoDb,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestDynamoDb,
} from '@shop/local-cloud/testing';
import { lambdaContext as platformLambdaContext, sqsEventFor } from '@shop/platform/consumer/testing';
import type { Context } from 'aws-lambda';
import type { OrderReader } from '../src/domain/order-reader.port.ts';
import service from '../src/service.ts';

export const SENDER = 'orders@shop.test';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** A confirmed order of two lines, with an address to write to unless said otherwise. */
export const orderFixture = (overrides: Partial<Order> = {}): Order => ({
  id: `ord_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
  customerId: 'alice',
  status: 'CONFIRMED',
  lines: [
    {
      sku: 'CAP-CANVAS-KHA',
      productId: 'prd-canvas-cap',
      name: 'Canvas Cap (Khaki)',
      quantity: 2,
      unitPrice: usd(2200),
      lineTotal: usd(4400),
    },
    {
      sku: 'MUG-<B&W>',
      productId: 'prd-mug',
      name: 'Mug "Black & White" <ceramic>',
      quantity: 1,
      unitPrice: usd(1250),
      lineTotal: usd(1250),
    },
  ],
  totals: { subtotal: usd(5650), discount: usd(0), shipping: usd(0), tax: usd(452), total: usd(6102) },
  shippingAddress: {
    name: 'Alice Example',
    line1: '1 Main St',
    city: 'Springfield',
    postalCode: '12345',
    country: 'US',
  },
  paymentMethod: 'pm_card_visa',
  email: 'alice@example.com',
  statusHistory: [{ status: 'CONFIRMED', at: '2026-12-02T10:00:00.000Z' }],
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
  ...overrides,
});

/**
 * The order service's `orderView` as the consumer sees it: the orders it was given, and an outage
 * switch. The one stand-in of these tests (the order service itself runs in the e2e journey).
 */
export class OrderViewDouble implements OrderReader {
  readonly orders = new Map<string, Order>();
  down: Error | undefined;
  reads = 0;

  add(order: Order): Order {
    this.orders.set(order.id, order);
    return order;
  }

  async read(orderId: string): Promise<Order | undefined> {
    this.reads += 1;
    if (this.down) throw this.down;
    return this.orders.get(orderId);
  }
}

/** DynamoDB Local with the service's table, and the edge's SES with its mailbox. */
export interface NotificationsHarness {
  readonly db: TestDynamoDb;
  readonly edge: StartedServer;
  readonly mailbox: Mailbox;
  readonly ses: SESv2Client;
  readonly tableName: string;
  stop(): Promise<void>;
}

export const startNotificationsHarness = async (): Promise<NotificationsHarness> => {
  const db = await startTestDynamoDb([service]);
  const mailbox = new Mailbox();
  const edge = await startEdge([createSesEdgeHandler({ mailbox, verifiedIdentities: [SENDER] })]);
  const ses = new SESv2Client({
    endpoint: edge.url,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    db,
    edge,
    mailbox,
    ses,
    tableName: db.tableName('notifications'),
    stop: async () => {
      ses.destroy();
      await edge.close();
      await db.stop();
    },
  };
};

/** A Lambda context as the event source mapping passes it. */
export const lambdaContext = (functionName = 'notifications-order-events'): Context =>
  platformLambdaContext(functionName);

/** An SQS event delivering the given envelopes, each in a message of its own (a new message id each time). */
export const sqsEvent = sqsEventFor('notifications-order-events');
