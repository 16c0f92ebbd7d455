import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import type { OrderStatus } from '@shop/contracts/order';
import { type CursorCodec, createCursorCodec } from '@shop/platform/cursor';
import {
  conditionalTransaction,
  conditionalUpdate,
  isTransactionConflict,
  putIfAbsent,
  putVersioned,
} from '@shop/platform/dynamodb';
import { outboxPut } from '@shop/platform/outbox';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import * as z from 'zod';
import type { Order, OrderPricing, StatusChange } from '../domain/order.entity.ts';
import { OrderWriteConflictError } from '../domain/order.errors.ts';
import type {
  OrderPageRequest,
  OrderPageResult,
  OrderRepository,
  OrderWrite,
} from '../domain/order.repository.port.ts';
import {
  BY_CUSTOMER,
  BY_STATUS,
  customerPartition,
  orderItemOf,
  orderKey,
  statusPartition,
} from './order-table.keys.ts';
import { orderOf } from './stored-item.schemas.ts';

export interface DynamoDbOrderRepositoryOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

type Index = typeof BY_CUSTOMER | typeof BY_STATUS;

const OrderKey = { pk: z.string().max(256).startsWith('ORDER#'), sk: z.literal('ORDER') };
const IndexValue = z.string().max(512);

/** The last key of a page of one index: the order's own key and that index's key, nothing else. */
const customerCursors = createCursorCodec({
  service: 'ORDER',
  key: z.strictObject({ ...OrderKey, gsi1pk: IndexValue, gsi1sk: IndexValue }),
  belongs: (key, partition) => key.gsi1pk === partition,
});
const statusCursors = createCursorCodec({
  service: 'ORDER',
  key: z.strictObject({ ...OrderKey, gsi2pk: IndexValue, gsi2sk: IndexValue }),
  belongs: (key, partition) => key.gsi2pk === partition,
});

const storedOrder = (item: Record<string, unknown> | undefined): Order | undefined =>
  item ? orderOf(item) : undefined;

/** Orders in the service's single table: one item per order, listed through two GSIs. */
export class DynamoDbOrderRepository implements OrderRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbOrderRepositoryOptions) {
    this.#ddb = options.documentClient;
    this.#table = options.tableName;
  }

  async get(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: orderKey(orderId), ConsistentRead: true }),
    );
    return Item ? orderOf(Item) : undefined;
  }

  async create(order: Order): Promise<OrderWrite> {
    const put = await putIfAbsent(this.#ddb, { tableName: this.#table, item: orderItemOf(order) });
    return put.written ? { written: true, order } : { written: false, order: storedOrder(put.old) };
  }

  async applyPricing(orderId: string, pricing: OrderPricing): Promise<OrderWrite> {
    const update = await conditionalUpdate(this.#ddb, {
      TableName: this.#table,
      Key: orderKey(orderId),
      UpdateExpression:
        'SET #lines = :lines, #totals = :totals, #priced = :true, #history = list_append(#history, :entry), #updatedAt = :at, #version = #version + :one',
      ConditionExpression: '#status = :pending AND #priced = :false',
      ExpressionAttributeNames: {
        '#lines': 'lines',
        '#totals': 'totals',
        '#priced': 'priced',
        '#history': 'statusHistory',
        '#updatedAt': 'updatedAt',
        '#version': 'version',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ':lines': pricing.lines,
        ':totals': pricing.totals,
        ':true': true,
        ':false': false,
        ':entry': [pricing.entry],
        ':at': pricing.entry.at,
        ':one': 1,
        ':pending': 'PENDING',
      },
    });
    return update.written
      ? { written: true, order: orderOf(update.item) }
      : { written: false, order: storedOrder(update.old) };
  }

  async changeStatus(
    orderId: string,
    change: StatusChange,
    events: readonly EventEnvelope[],
  ): Promise<{ readonly written: true } | { readonly written: false; readonly order: Order | undefined }> {
    const from = Object.fromEntries(change.from.map((status, index) => [`:from${index}`, status]));
    const transaction = {
      TransactItems: [
        {
          Update: {
            TableName: this.#table,
            Key: orderKey(orderId),
            UpdateExpression:
              'SET #status = :to, #statusIndex = :statusPartition, #history = list_append(#history, :entry), #updatedAt = :at, #version = #version + :one',
            ConditionExpression: `#status IN (${Object.keys(from).join(', ')})`,
            ExpressionAttributeNames: {
              '#status': 'status',
              '#statusIndex': BY_STATUS.pk,
              '#history': 'statusHistory',
              '#updatedAt': 'updatedAt',
              '#version': 'version',
            },
            ExpressionAttributeValues: {
              ...from,
              ':to': change.to,
              ':statusPartition': statusPartition(change.to),
              ':entry': [change.entry],
              ':at': change.entry.at,
              ':one': 1,
            },
          },
        },
        // FIFO subscribers then see one order's events in order.
        ...events.map((event) => outboxPut(this.#table, event, { partitionHint: orderId })),
      ],
    };
    // A transaction on the order at the same moment cancels this one (TransactionConflict): send it
    // again, and its condition then finds the order as the other one left it.
    const write = await retryLostRaces(
      async () => {
        try {
          return await conditionalTransaction(this.#ddb, transaction);
        } catch (error) {
          if (isTransactionConflict(error)) return LOST_RACE;
          throw error;
        }
      },
      {
        backoff: { initialDelayMs: 10, maxDelayMs: 100 },
        onExhausted: () => new OrderWriteConflictError(orderId),
      },
    );
    return write.written ? { written: true } : { written: false, order: storedOrder(write.old) };
  }

  update(previous: Order, next: Order, events: readonly EventEnvelope[] = []): Promise<boolean> {
    return putVersioned(this.#ddb, {
      tableName: this.#table,
      item: orderItemOf(next),
      expectedVersion: previous.version,
      events,
      // FIFO subscribers then see one order's events in order.
      partitionHint: next.id,
    });
  }

  listByCustomer(customerId: string, page: OrderPageRequest): Promise<OrderPageResult> {
    return this.#query(BY_CUSTOMER, customerCursors, customerPartition(customerId), page);
  }

  listByStatus(status: OrderStatus, page: OrderPageRequest): Promise<OrderPageResult> {
    return this.#query(BY_STATUS, statusCursors, statusPartition(status), page);
  }

  async listPlacedBefore(status: OrderStatus, before: string, limit: number): Promise<Order[]> {
    const { Items } = await this.#ddb.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: BY_STATUS.name,
        // The sort key is `<createdAt>#<id>`: every order placed before `before` sorts below it.
        KeyConditionExpression: '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: { '#pk': BY_STATUS.pk, '#sk': BY_STATUS.sk },
        ExpressionAttributeValues: { ':pk': statusPartition(status), ':before': before },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(orderOf);
  }

  async getMany(orderIds: readonly string[]): Promise<Order[]> {
    const orders: Order[] = [];
    let keys = [...new Set(orderIds)].map(orderKey);
    // BatchGetItem may answer part of the keys (UnprocessedKeys): ask again for those, a bounded few times.
    for (let round = 0; keys.length > 0; round += 1) {
      if (round === 5)
        throw new Error(`${keys.length} orders stayed unprocessed after 5 BatchGetItem rounds`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));
      const { Responses, UnprocessedKeys } = await this.#ddb.send(
        new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: keys, ConsistentRead: true } } }),
      );
      orders.push(...(Responses?.[this.#table] ?? []).map(orderOf));
      keys = (UnprocessedKeys?.[this.#table]?.Keys ?? []) as typeof keys;
    }
    return orders;
  }

  async #query(
    index: Index,
    cursors: CursorCodec<Record<string, string>>,
    partition: string,
    page: OrderPageRequest,
  ): Promise<OrderPageResult> {
    const startKey = page.cursor ? cursors.decode(page.cursor, partition) : undefined;
    const { Items, LastEvaluatedKey } = await this.#ddb.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.pk },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return {
      items: (Items ?? []).map(orderOf),
      ...(LastEvaluatedKey ? { nextCursor: cursors.encode(partition, LastEvaluatedKey) } : {}),
    };
  }
}
