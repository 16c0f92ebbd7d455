import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { isConditionFailure, isTransactionConflict } from '@shop/platform/dynamodb';
import { outboxPut } from '@shop/platform/messaging';
import * as z from 'zod';
import type { Payment } from '../domain/payment.entity.ts';
import { InvalidCursorError } from '../domain/payment.errors.ts';
import type {
  PaymentPageRequest,
  PaymentPageResult,
  PaymentRepository,
} from '../domain/payment.repository.port.ts';
import { fromItem, PAYMENT_SK_PREFIX, paymentIdIndexKey, paymentKey, toItem } from './payment.item.ts';

export interface DynamoDbPaymentRepositoryOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

const CursorKey = z.strictObject({ pk: z.string(), sk: z.string() });

const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** A cursor is accepted only if it is a key of this very list: anything else is a 400, never a 500. */
const decodeCursor = (cursor: string, orderId: string): Record<string, string> => {
  try {
    const key = CursorKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (key.pk !== paymentKey(orderId).pk || !key.sk.startsWith(PAYMENT_SK_PREFIX))
      throw new InvalidCursorError();
    return key;
  } catch {
    throw new InvalidCursorError();
  }
};

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
    return Item ? fromItem(Item) : undefined;
  }

  async findById(paymentId: string): Promise<Payment | undefined> {
    const { Items } = await this.#ddb.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
        ExpressionAttributeValues: {
          ':pk': paymentIdIndexKey(paymentId).gsi1pk,
          ':sk': paymentIdIndexKey(paymentId).gsi1sk,
        },
        Limit: 1,
      }),
    );
    const item = Items?.[0];
    return item ? fromItem(item) : undefined;
  }

  async listByOrderId(orderId: string, page: PaymentPageRequest): Promise<PaymentPageResult> {
    const startKey = page.cursor ? decodeCursor(page.cursor, orderId) : undefined;
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
      items: (Items ?? []).map(fromItem),
      ...(LastEvaluatedKey ? { nextCursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  async create(payment: Payment): Promise<boolean> {
    try {
      await this.#ddb.send(
        new PutCommand({
          TableName: this.#table,
          Item: toItem(payment),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async update(previous: Payment, next: Payment, events: readonly EventEnvelope[] = []): Promise<boolean> {
    const put = {
      TableName: this.#table,
      Item: toItem(next),
      // The status is in the condition so that no transition can start from a state it was not decided on.
      ConditionExpression: '#status = :status AND #version = :version',
      ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
      ExpressionAttributeValues: { ':status': previous.status, ':version': previous.version },
    };
    try {
      if (events.length === 0) {
        await this.#ddb.send(new PutCommand(put));
      } else {
        await this.#ddb.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: put },
              // Subscribers with FIFO queues then see one order's payment events in order.
              ...events.map((event) => outboxPut(this.#table, event, { partitionHint: next.orderId })),
            ],
          }),
        );
      }
      return true;
    } catch (error) {
      if (isConditionFailure(error) || isTransactionConflict(error)) return false;
      throw error;
    }
  }
}
