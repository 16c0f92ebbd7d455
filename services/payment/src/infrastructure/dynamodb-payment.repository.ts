import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { createCursorCodec } from '@shop/platform/cursor';
import { putIfAbsent, putVersioned } from '@shop/platform/dynamodb';
import * as z from 'zod';
import type { Payment } from '../domain/payment.entity.ts';
import type {
  PaymentPageRequest,
  PaymentPageResult,
  PaymentRepository,
} from '../domain/payment.repository.port.ts';
import {
  BY_PAYMENT_ID,
  PAYMENT_SK_PREFIX,
  paymentIdIndexKey,
  paymentItemOf,
  paymentKey,
} from './payment-table.keys.ts';
import { paymentOf } from './stored-item.schemas.ts';

export interface DynamoDbPaymentRepositoryOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** A cursor is accepted only if it is a key of this very list (the order's payments): anything else is a 400. */
const cursors = createCursorCodec({
  service: 'PAYMENT',
  key: z.strictObject({ pk: z.string(), sk: z.string().startsWith(PAYMENT_SK_PREFIX) }),
  belongs: (key, orderId) => key.pk === paymentKey(orderId).pk,
});

/** Payments in the service's single table: one item per order, found by payment id through `gsi1`. */
export class DynamoDbPaymentRepository implements PaymentRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbPaymentRepositoryOptions) {
    this.#ddb = options.documentClient;
    this.#table = options.tableName;
  }

  async findByOrderId(orderId: string): Promise<Payment | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: paymentKey(orderId), ConsistentRead: true }),
    );
    return Item ? paymentOf(Item) : undefined;
  }

  async findById(paymentId: string): Promise<Payment | undefined> {
    const { Items } = await this.#ddb.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: BY_PAYMENT_ID,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
        ExpressionAttributeValues: {
          ':pk': paymentIdIndexKey(paymentId).gsi1pk,
          ':sk': paymentIdIndexKey(paymentId).gsi1sk,
        },
        Limit: 1,
      }),
    );
    const item = Items?.[0];
    return item ? paymentOf(item) : undefined;
  }

  async listByOrderId(orderId: string, page: PaymentPageRequest): Promise<PaymentPageResult> {
    const startKey = page.cursor ? cursors.decode(page.cursor, orderId) : undefined;
    const { Items, LastEvaluatedKey } = await this.#ddb.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': paymentKey(orderId).pk, ':sk': PAYMENT_SK_PREFIX },
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return {
      items: (Items ?? []).map(paymentOf),
      ...(LastEvaluatedKey ? { nextCursor: cursors.encode(orderId, LastEvaluatedKey) } : {}),
    };
  }

  async create(
    payment: Payment,
  ): Promise<
    { readonly created: true } | { readonly created: false; readonly payment: Payment | undefined }
  > {
    const put = await putIfAbsent(this.#ddb, { tableName: this.#table, item: paymentItemOf(payment) });
    if (put.written) return { created: true };
    return { created: false, payment: put.old ? paymentOf(put.old) : undefined };
  }

  update(previous: Payment, next: Payment, events: readonly EventEnvelope[] = []): Promise<boolean> {
    return putVersioned(this.#ddb, {
      tableName: this.#table,
      item: paymentItemOf(next),
      expectedVersion: previous.version,
      // The status is in the condition so that no transition can start from a state it was not decided on.
      condition: {
        expression: '#status = :status',
        names: { '#status': 'status' },
        values: { ':status': previous.status },
      },
      events,
      // Subscribers with FIFO queues then see one order's payment events in order.
      partitionHint: next.orderId,
    });
  }
}
