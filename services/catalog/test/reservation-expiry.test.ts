import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus } from '@shop/contracts/order';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOnHand } from '../src/application/inventory.use-cases.ts';
import { createProduct } from '../src/application/product.use-cases.ts';
import {
  commitStock,
  type ExpiryDeps,
  expireReservations,
  releaseStock,
  reserveStock,
} from '../src/application/stock-reservation.use-cases.ts';
import type { OrderStatusReader } from '../src/domain/order-status.port.ts';
import { reservationKey, skuKey } from '../src/infrastructure/catalog-table.keys.ts';
import { type CatalogTestDb, productInput, startCatalogDb, uniqueSku } from './catalog-test.fixture.ts';

const DAY = 86_400_000;
const HOLD_SECONDS = 60;

let t: CatalogTestDb;
beforeAll(async () => {
  t = await startCatalogDb();
});
afterAll(() => t.db.stop());

/** The order service as the expiry job sees it: statuses it is told, and the questions it was asked. */
class KnownOrders implements OrderStatusReader {
  readonly statuses = new Map<string, OrderStatus>();
  readonly asked: string[][] = [];
  async statusesOf(orderIds: readonly string[]) {
    this.asked.push([...orderIds]);
    return new Map([...this.statuses].filter(([id]) => orderIds.includes(id)));
  }
}

/**
 * Each test reserves at its own time, a day further back, so that an expiry run as of a test's time
 * sees its reservations and none of the other tests' (the job lists holds that ended before "now").
 */
let slot = 0;
const scenario = async (units = 10) => {
  slot += 1;
  const reservedAt = new Date(Date.parse('2026-06-01T12:00:00.000Z') - slot * DAY);
  const orders = new KnownOrders();
  const deps: ExpiryDeps = {
    ...t.deps,
    clock: () => reservedAt,
    reservationHoldSeconds: HOLD_SECONDS,
    orders,
  };
  const sku = uniqueSku('EXP');
  await createProduct(t.deps, productInput({ name: 'Held' }, [sku]), { correlationId: 'test' });
  await setOnHand(t.deps, sku, units);
  const reserve = async (quantity: number) => {
    const orderId = `ord_exp_${crypto.randomUUID().slice(0, 12)}`;
    await reserveStock(deps, { orderId, lines: [{ sku, quantity }] });
    return orderId;
  };
  const at = (seconds: number) => new Date(reservedAt.getTime() + seconds * 1000);
  return { deps, orders, sku, reserve, at };
};

const stockOf = async (sku: string) => {
  const { Item } = await t.db.documentClient.send(
    new GetCommand({ TableName: t.tableName, Key: skuKey(sku), ConsistentRead: true }),
  );
  return { onHand: Item?.onHand, reserved: Item?.reserved, available: Item?.available };
};

const reservationOf = async (orderId: string) => {
  const { Item } = await t.db.documentClient.send(
    new GetCommand({ TableName: t.tableName, Key: reservationKey(orderId), ConsistentRead: true }),
  );
  return Item;
};

describe('reservation expiry (DynamoDB Local)', () => {
  it('holds a reservation until its hold ends, then settles it by where its order stands', async () => {
    const { deps, orders, sku, reserve, at } = await scenario(10);
    const rejected = await reserve(2);
    const confirmed = await reserve(3);
    const pending = await reserve(1);
    const unknown = await reserve(1);
    orders.statuses.set(rejected, 'REJECTED');
    orders.statuses.set(confirmed, 'CONFIRMED');
    orders.statuses.set(pending, 'PENDING');
    expect((await reservationOf(rejected))?.holdUntil).toBe(at(HOLD_SECONDS).toISOString());
    expect(await stockOf(sku)).toEqual({ onHand: 10, reserved: 7, available: 3 });

    // Within the hold nothing is looked at (the order service is not even asked).
    expect(await expireReservations(deps, at(HOLD_SECONDS - 1))).toMatchObject({ expired: 0 });
    expect(orders.asked).toEqual([]);

    const summary = await expireReservations(deps, at(HOLD_SECONDS + 1));
    expect(summary).toEqual({
      expired: 4,
      committed: 1,
      released: 2,
      pending: 1,
      settledMeanwhile: 0,
      failed: 0,
    });
    expect(orders.asked).toHaveLength(1);
    expect((await reservationOf(rejected))?.status).toBe('RELEASED');
    expect((await reservationOf(unknown))?.status).toBe('RELEASED');
    expect((await reservationOf(confirmed))?.status).toBe('COMMITTED');
    expect((await reservationOf(pending))?.status).toBe('RESERVED');
    // Sold 3, released 3, 1 still held for the pending order.
    expect(await stockOf(sku)).toEqual({ onHand: 7, reserved: 1, available: 6 });

    // The next run looks only at what is still held: the pending order, which the reconciler settles.
    expect(await expireReservations(deps, at(HOLD_SECONDS + 61))).toMatchObject({ expired: 1, pending: 1 });
    orders.statuses.set(pending, 'REJECTED');
    expect(await expireReservations(deps, at(HOLD_SECONDS + 121))).toMatchObject({ expired: 1, released: 1 });
    expect(await expireReservations(deps, at(HOLD_SECONDS + 181))).toMatchObject({ expired: 0 });
    expect(await stockOf(sku)).toEqual({ onHand: 7, reserved: 0, available: 7 });
  });

  it('a reservation settled by its saga or the order.confirmed consumer is off the expiry index', async () => {
    const { deps, orders, sku, reserve, at } = await scenario(10);
    const released = await reserve(2);
    const committed = await reserve(2);
    await releaseStock(deps, released);
    await commitStock(deps, committed);
    orders.statuses.set(released, 'REJECTED');
    orders.statuses.set(committed, 'CONFIRMED');
    expect(await expireReservations(deps, at(HOLD_SECONDS + 1))).toMatchObject({ expired: 0 });
    expect(await stockOf(sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });

  it('releases exactly once when expiry runs twice at once and the saga releases at the same time', async () => {
    const { deps, orders, sku, reserve, at } = await scenario(20);
    const ids = await Promise.all(Array.from({ length: 5 }, () => reserve(2)));
    for (const id of ids) orders.statuses.set(id, 'REJECTED');
    expect(await stockOf(sku)).toEqual({ onHand: 20, reserved: 10, available: 10 });

    const now = at(HOLD_SECONDS + 1);
    const [a, b] = await Promise.all([
      expireReservations(deps, now),
      expireReservations(deps, now),
      ...ids.map((id) => releaseStock(deps, id)),
    ]);
    expect((a?.failed ?? 0) + (b?.failed ?? 0)).toBe(0);
    for (const id of ids) expect((await reservationOf(id))?.status).toBe('RELEASED');
    // Each reservation's units came back once: none lost, none doubled.
    expect(await stockOf(sku)).toEqual({ onHand: 20, reserved: 0, available: 20 });
  });

  it('fails the run when the order service cannot answer, and settles on the next one', async () => {
    const { deps, sku, reserve, at } = await scenario(5);
    const id = await reserve(2);
    const down: ExpiryDeps = {
      ...deps,
      orders: {
        statusesOf: async () => {
          throw new Error('order.orderStatuses timed out');
        },
      },
    };
    await expect(expireReservations(down, at(HOLD_SECONDS + 1))).rejects.toThrow('timed out');
    expect(await stockOf(sku)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    expect(await expireReservations(deps, at(HOLD_SECONDS + 61))).toMatchObject({ released: 1 });
    expect((await reservationOf(id))?.status).toBe('RELEASED');
  });
});
