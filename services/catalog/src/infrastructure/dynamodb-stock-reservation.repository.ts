import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Sku } from '@shop/contracts/catalog';
import { CONDITION_FAILED, cancellationCodesOf, TRANSACTION_CONFLICT } from '@shop/platform/dynamodb';
import type { ReserveResult, StockReservationRepository } from '../domain/catalog.repository.port.ts';
import type { Reservation, ReservationStatus, SkuStock } from '../domain/stock.entity.ts';
import {
  GSI_HELD_RESERVATIONS,
  HELD_RESERVATION_SHARDS,
  heldIndexKeys,
  heldPartition,
  RESERVATION_SK,
  reservationKey,
  SKU_SK,
  skuKey,
} from './catalog-table.keys.ts';
import { batchGetItems } from './sku-items.batch-get.ts';
import { reservationOf, skuStockOf } from './stored-item.schemas.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The only state each transition may start from (see `ReservationStatus`). */
const SETTLED_FROM = {
  COMMITTED: 'RESERVED',
  RELEASED: 'RESERVED',
  RESTOCKED: 'COMMITTED',
} as const satisfies Record<string, ReservationStatus>;

export class DynamoDbStockReservationRepository implements StockReservationRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async load(orderId: string, skus: readonly Sku[]) {
    const stock = new Map<Sku, SkuStock>();
    let reservation: Reservation | undefined;
    // One round trip for up to 99 SKUs. Strongly consistent: a repeated task must see the
    // reservation its first run wrote.
    const keys = [reservationKey(orderId), ...[...new Set(skus)].map(skuKey)];
    for (const item of await batchGetItems(this.#ddb, this.#table, keys, { consistent: true })) {
      if (item.sk === RESERVATION_SK) reservation = reservationOf(item);
      else if (item.sk === SKU_SK) {
        const found = skuStockOf(item);
        stock.set(found.sku, found);
      }
    }
    return reservation ? { reservation, stock } : { stock };
  }

  async getReservation(orderId: string): Promise<Reservation | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: reservationKey(orderId), ConsistentRead: true }),
    );
    return Item ? reservationOf(Item) : undefined;
  }

  async reserve(reservation: Reservation): Promise<ReserveResult> {
    const lineItems: TransactItem[] = reservation.lines.map((line) => ({
      Update: {
        TableName: this.#table,
        Key: skuKey(line.sku),
        // DynamoDB conditions cannot subtract, so `available` (= onHand - reserved, maintained by every
        // write) is what the condition reads: the check and the decrement are one atomic step.
        UpdateExpression: 'SET reserved = reserved + :qty, available = available - :qty',
        ConditionExpression: '#status = :active AND available >= :qty',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':qty': line.quantity, ':active': 'active' },
      },
    }));
    const items: TransactItem[] = [
      ...lineItems,
      {
        Put: {
          TableName: this.#table,
          Item: {
            ...reservationKey(reservation.orderId),
            ...(reservation.holdUntil ? heldIndexKeys(reservation.orderId, reservation.holdUntil) : {}),
            kind: 'reservation',
            ...reservation,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    try {
      await this.#ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'reserved' };
    } catch (error) {
      const codes = cancellationCodesOf(error);
      if (!codes) throw error;
      if (codes[lineItems.length] === CONDITION_FAILED) return { kind: 'exists' };
      const short = reservation.lines
        .filter((_, index) => codes[index] === CONDITION_FAILED)
        .map((l) => l.sku);
      if (short.length > 0) return { kind: 'short', skus: short };
      if (codes.includes(TRANSACTION_CONFLICT)) return { kind: 'conflict' };
      throw error;
    }
  }

  async listExpired(before: string, limit: number): Promise<string[]> {
    const pages = await Promise.all(
      Array.from({ length: HELD_RESERVATION_SHARDS }, (_, shard) =>
        this.#ddb.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: GSI_HELD_RESERVATIONS,
            KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
            ExpressionAttributeValues: { ':pk': heldPartition(shard), ':before': before },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((page) => page.Items ?? [])
      .map((item) => ({ sortKey: String(item.gsi3sk), pk: String(item.pk) }))
      .sort((a, b) => a.sortKey.localeCompare(b.sortKey))
      .slice(0, limit)
      .map(({ pk }) => pk.slice('RESERVATION#'.length));
  }

  release(reservation: Reservation, now: Date) {
    return this.#settle(reservation, 'RELEASED', now, (line) => ({
      UpdateExpression: 'SET reserved = reserved - :qty, available = available + :qty',
      ConditionExpression: 'reserved >= :qty',
      ExpressionAttributeValues: { ':qty': line.quantity },
    }));
  }

  commit(reservation: Reservation, now: Date) {
    // A sale takes the units out of onHand and reserved alike; available does not move.
    return this.#settle(reservation, 'COMMITTED', now, (line) => ({
      UpdateExpression: 'SET onHand = onHand - :qty, reserved = reserved - :qty',
      ConditionExpression: 'reserved >= :qty AND onHand >= :qty',
      ExpressionAttributeValues: { ':qty': line.quantity },
    }));
  }

  restock(reservation: Reservation, now: Date) {
    // The sold units come back on hand and are available again; what other orders reserve is untouched.
    return this.#settle(reservation, 'RESTOCKED', now, (line) => ({
      UpdateExpression: 'SET onHand = onHand + :qty, available = available + :qty',
      ConditionExpression: 'attribute_exists(onHand)',
      ExpressionAttributeValues: { ':qty': line.quantity },
    }));
  }

  /**
   * One transition of the reservation (`SETTLED_FROM` says from which state) together with the stock
   * of every line, in one transaction conditioned on the reservation still being in that state: a
   * transition that lost a race changes nothing and reports `false`.
   */
  async #settle(
    reservation: Reservation,
    to: keyof typeof SETTLED_FROM,
    now: Date,
    lineUpdate: (line: { quantity: number }) => {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<boolean | 'conflict'> {
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.#table,
          Key: reservationKey(reservation.orderId),
          // Out of RESERVED, nothing is held any more: off the expiry index.
          UpdateExpression: 'SET #status = :to, updatedAt = :now REMOVE gsi3pk, gsi3sk',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': to, ':now': now.toISOString(), ':from': SETTLED_FROM[to] },
        },
      },
      ...reservation.lines.map((line) => ({
        Update: { TableName: this.#table, Key: skuKey(line.sku), ...lineUpdate(line) },
      })),
    ];
    try {
      await this.#ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const codes = cancellationCodesOf(error);
      if (!codes) throw error;
      if (codes[0] === CONDITION_FAILED) return false;
      if (codes.includes(TRANSACTION_CONFLICT)) return 'conflict';
      throw error;
    }
  }
}
