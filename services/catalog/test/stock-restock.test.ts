import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOnHand } from '../src/application/inventory.use-cases.ts';
import { createProduct } from '../src/application/product.use-cases.ts';
import {
  createReleaseStockTask,
  createReserveStockTask,
  createRestockOrderTask,
} from '../src/application/stock.tasks.ts';
import { commitStock } from '../src/application/stock-reservation.use-cases.ts';
import { reservationKey, skuKey } from '../src/infrastructure/catalog-table.keys.ts';
import { type CatalogTestDb, productInput, startCatalogDb, uniqueSku } from './catalog-test.fixture.ts';

let t: CatalogTestDb;
const origin = { correlationId: 'test' };

beforeAll(async () => {
  t = await startCatalogDb();
});
afterAll(() => t.db.stop());

const reserve = (orderId: string, sku: string, quantity: number) =>
  createReserveStockTask(t.deps)({ orderId, lines: [{ sku, quantity }] });
const release = (orderId: string) => createReleaseStockTask(t.deps)({ orderId });
const restock = (orderId: string) => createRestockOrderTask(t.deps)({ orderId });
const commit = (orderId: string) => commitStock(t.deps, orderId);

/** A SKU with `units` on hand. */
const stocked = async (units: number): Promise<string> => {
  const sku = uniqueSku('RST');
  await createProduct(t.deps, productInput({ name: 'Restockable' }, [sku]), origin);
  await setOnHand(t.deps, sku, units);
  return sku;
};

const read = async (key: Record<string, string>) =>
  (await t.db.documentClient.send(new GetCommand({ TableName: t.tableName, Key: key, ConsistentRead: true })))
    .Item;

const stockOf = async (sku: string) => {
  const item = await read(skuKey(sku));
  return { onHand: item?.onHand, reserved: item?.reserved, available: item?.available };
};

const statusOf = async (orderId: string) => (await read(reservationKey(orderId)))?.status;

/** The stock rules every write keeps: nothing negative, `available = onHand - reserved`. */
const expectConsistent = async (sku: string) => {
  const { onHand, reserved, available } = await stockOf(sku);
  expect(onHand).toBeGreaterThanOrEqual(0);
  expect(reserved).toBeGreaterThanOrEqual(0);
  expect(available).toBeGreaterThanOrEqual(0);
  expect(available).toBe(onHand - reserved);
};

let orders = 0;
const newOrderId = (label: string) => {
  orders += 1;
  return `o-${label}-${orders}`;
};

describe('ReleaseStock', () => {
  it('releases a reservation that was not committed', async () => {
    const sku = await stocked(10);
    const orderId = newOrderId('rel');
    await reserve(orderId, sku, 4);
    expect(await release(orderId)).toEqual({ orderId, outcome: 'released' });
    expect(await stockOf(sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await statusOf(orderId)).toBe('RELEASED');
  });

  it('puts the units of a committed order back on hand, leaving other reservations alone', async () => {
    const sku = await stocked(10);
    const orderId = newOrderId('sold');
    const bystander = newOrderId('bystander');
    await reserve(orderId, sku, 3);
    await reserve(bystander, sku, 2);
    expect(await commit(orderId)).toBe('committed');
    expect(await stockOf(sku)).toEqual({ onHand: 7, reserved: 2, available: 5 });

    expect(await release(orderId)).toEqual({ orderId, outcome: 'restocked' });
    expect(await stockOf(sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    expect(await statusOf(orderId)).toBe('RESTOCKED');
    expect(await statusOf(bystander)).toBe('RESERVED');
  });

  it('restocks once: repeats, a RestockOrder and a late commit change nothing', async () => {
    const sku = await stocked(6);
    const orderId = newOrderId('repeat');
    await reserve(orderId, sku, 5);
    await commit(orderId);
    expect((await release(orderId)).outcome).toBe('restocked');
    const after = await stockOf(sku);
    expect(after).toEqual({ onHand: 6, reserved: 0, available: 6 });

    expect(await release(orderId)).toEqual({ orderId, outcome: 'already-restocked' });
    expect(await restock(orderId)).toEqual({ orderId, outcome: 'already-restocked' });
    expect(await commit(orderId)).toBe('restocked');
    expect(await stockOf(sku)).toEqual(after);
  });

  it('is a no-op when repeated after a release', async () => {
    const sku = await stocked(3);
    const orderId = newOrderId('twice');
    await reserve(orderId, sku, 3);
    await release(orderId);
    expect(await release(orderId)).toEqual({ orderId, outcome: 'already-released' });
    expect(await stockOf(sku)).toEqual({ onHand: 3, reserved: 0, available: 3 });
  });
});

describe('CommitStock arriving after the compensation', () => {
  it('does not sell a released reservation (no double decrement)', async () => {
    const sku = await stocked(5);
    const orderId = newOrderId('late-commit');
    await reserve(orderId, sku, 2);
    expect((await release(orderId)).outcome).toBe('released');
    expect(await commit(orderId)).toBe('released');
    expect(await commit(orderId)).toBe('released');
    expect(await stockOf(sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(await statusOf(orderId)).toBe('RELEASED');
  });

  it('leaves stock consistent when release, restock and commit race, round after round', async () => {
    const sku = await stocked(100);
    const bystander = newOrderId('race-bystander');
    await reserve(bystander, sku, 7);
    for (let round = 0; round < 12; round += 1) {
      const ids = Array.from({ length: 3 }, () => newOrderId(`race-${round}`));
      for (const [index, id] of ids.entries()) await reserve(id, sku, index + 1);
      // The order.confirmed consumer and both compensations of every order, all at once.
      const settled = await Promise.all(
        ids.flatMap((id) => [
          commit(id).then((outcome) => ({ id, step: 'commit', outcome })),
          release(id).then(({ outcome }) => ({ id, step: 'release', outcome })),
          restock(id).then(({ outcome }) => ({ id, step: 'restock', outcome })),
        ]),
      );
      await expectConsistent(sku);
      for (const id of ids) {
        const mine = settled.filter((s) => s.id === id);
        const returned = mine.filter(
          (s) => s.step !== 'commit' && (s.outcome === 'released' || s.outcome === 'restocked'),
        );
        // The units came back exactly once, whichever of the three ran first.
        const log = mine.map((s) => `${s.step}: ${s.outcome}`).join(', ');
        expect(returned, `${id}: ${log}`).toHaveLength(1);
        expect(['RELEASED', 'RESTOCKED']).toContain(await statusOf(id));
      }
      // Every racing order gave its units back: only the bystander's reservation remains.
      expect(await stockOf(sku)).toEqual({ onHand: 100, reserved: 7, available: 93 });
    }
    expect(await statusOf(bystander)).toBe('RESERVED');
  });
});

describe('RestockOrder', () => {
  it('restocks a committed order once, however often it is repeated', async () => {
    const sku = await stocked(8);
    const orderId = newOrderId('cancel');
    await reserve(orderId, sku, 3);
    await commit(orderId);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => restock(orderId)));
    expect(outcomes.filter((o) => o.outcome === 'restocked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'already-restocked')).toHaveLength(5);
    expect(await stockOf(sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
    expect(await restock(orderId)).toEqual({ orderId, outcome: 'already-restocked' });
    expect(await stockOf(sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });

  it('releases an order whose sale was not committed yet, so the late commit sells nothing', async () => {
    const sku = await stocked(4);
    const orderId = newOrderId('cancel-early');
    await reserve(orderId, sku, 4);
    expect(await restock(orderId)).toEqual({ orderId, outcome: 'released' });
    expect(await commit(orderId)).toBe('released');
    expect(await restock(orderId)).toEqual({ orderId, outcome: 'already-released' });
    expect(await stockOf(sku)).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });

  it('is a no-op for an order that reserved nothing', async () => {
    expect(await restock('o-nothing')).toEqual({ orderId: 'o-nothing', outcome: 'not-reserved' });
  });

  it('refuses input that breaks the contract', async () => {
    await expect(createRestockOrderTask(t.deps)({ order: 'o-1' })).rejects.toMatchObject({
      name: 'TaskInputInvalid',
    });
  });
});
