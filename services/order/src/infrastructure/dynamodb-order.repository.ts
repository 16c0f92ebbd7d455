import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import type { OrderStatus } from '@shop/contracts/order';
import { isLostRace } from '@shop/platform/dynamodb';
import { outboxPut } from '@shop/platform/messaging';
import type { Order } from '../domain/order.entity.ts';
import type { OrderPageRequest, OrderPageResult, OrderRepository } from '../domain/order.repository.port.ts';
import { customerPartition, fromItem, orderKey, statusPartition, toItem } from './order.item.ts';
import { createCursorCodec } from './page-cursor.codec.ts';

export interface DynamoDbOrderRepositoryOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

const byCustomer = { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' } as const;
const byStatus = { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' } as const;

/** Orders in the service's single table: one item per order, listed through two sparse-free GSIs. */
export class DynamoDbOrderRepository implements OrderRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #customerCursors = createCursorCodec(byCustomer);
  readonly #statusCursors = createCursorCodec(byStatus);

  constructor(options: DynamoDbOrderRepositoryOptions) {
    this.#ddb = options.documentClient;
    this.#table = options.tableName;
  }

  async get(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: orderKey(orderId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async create(order: Order): Promise<boolean> {
    try {
      await this.#ddb.send(
        new PutCommand({
          TableName: this.#table,
          Item: toItem(order),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw error;
    }
  }

  async update(previous: Order, next: Order, events: readonly EventEnvelope[] = []): Promise<boolean> {
    const put = {
      TableName: this.#table,
      Item: toItem(next),
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': previous.version },
    };
    try {
      if (events.length === 0) {
        await this.#ddb.send(new PutCommand(put));
      } else {
        await this.#ddb.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: put },
              // FIFO subscribers then see one order's events in order.
              ...events.map((event) => outboxPut(this.#table, event, { partitionHint: next.id })),
            ],
          }),
        );
      }
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw error;
    }
  }

  listByCustomer(customerId: string, page: OrderPageRequest): Promise<OrderPageResult> {
    return this.#query(byCustomer, this.#customerCursors, customerPartition(customerId), page);
  }

  listByStatus(status: OrderStatus, page: OrderPageRequest): Promise<OrderPageResult> {
    return this.#query(byStatus, this.#statusCursors, statusPartition(status), page);
  }

  async #query(
    index: typeof byCustomer | typeof byStatus,
    cursors: ReturnType<typeof createCursorCodec>,
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
      items: (Items ?? []).map(fromItem),
      ...(LastEvaluatedKey ? { nextCursor: cursors.encode(LastEvaluatedKey) } : {}),
    };
  }
}
