import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CATALOG_TASK_ERRORS, type ReserveStockOutput } from '@shop/contracts/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOnHand } from '../src/application/inventory.use-cases.ts';
import { archiveProduct, createProduct, updateProduct } from '../src/application/product.use-cases.ts';
import { createReleaseStockTask, createReserveStockTask } from '../src/application/stock.tasks.ts';
import { commitStock, releaseStock } from '../src/application/stock-reservation.use-cases.ts';
import { skuKey } from '../src/infrastructure/catalog-table.keys.ts';
import { type CatalogTestDb, productInput, startCatalogDb, uniqueSku } from './catalog-test.fixture.ts';

let t: CatalogTestDb;
const origin = { correlationId: 'test' };

beforeAll(async () => {
  t = await startCatalogDb();
});
afterAll(() => t.db.stop());

const reserve = (input: unknown) => createReserveStockTask(t.deps)(input);
const release = (input: unknown) => createReleaseStockTask(t.deps)(input);

/** A product whose SKUs have the given units on hand; returns the SKUs. */
const stocked = async (...units: number[]): Promise<string[]> => {
  const skus = units.map(() => uniqueSku('STK'));
  await createProduct(t.deps, productInput({ name: 'Stocked' }, skus), origin);
  for (const [index, sku] of skus.entries()) await setOnHand(t.deps, sku, units[index] ?? 0);
  return skus;
};

const stockOf = async (sku: string) => {
  const { Item } = await t.db.documentClient.send(
    new GetCommand({ TableName: t.tableName, Key: skuKey(sku), ConsistentRead: true }),
  );
  return { onHand: Item?.onHand, reserved: Item?.reserved, available: Item?.available };
};

const errorOf = async (
  promise: Promise<unknown>,
): Promise<Error & { skus?: string[]; unknownSkus?: string[] }> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a failure');
};

describe('ReserveStock', () => {
  it('reserves every line and returns the catalog price, product and name of each', async () => {
    const [a = '', b = ''] = await stocked(5, 5);
    const output = await reserve({
      orderId: 'o-prices',
      lines: [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 1 },
      ],
    });
    expect(output).toEqual({
      orderId: 'o-prices',
      lines: [
        {
          sku: a,
          quantity: 2,
          unitPrice: { amount: 1900, currency: 'USD' },
          productId: expect.stringMatching(/^prd-/),
          name: 'Stocked (Variant 1)',
        },
        {
          sku: b,
          quantity: 1,
          unitPrice: { amount: 2000, currency: 'USD' },
          productId: expect.stringMatching(/^prd-/),
          name: 'Stocked (Variant 2)',
        },
      ],
    });
    expect(await stockOf(a)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    expect(await stockOf(b)).toEqual({ onHand: 5, reserved: 1, available: 4 });
  });

  it('adds up lines that name the same SKU', async () => {
    const [a = ''] = await stocked(5);
    const output = await reserve({
      orderId: 'o-merge',
      lines: [
        { sku: a, quantity: 2 },
        { sku: a, quantity: 3 },
      ],
    });
    expect(output.lines).toHaveLength(1);
    expect(output.lines[0]?.quantity).toBe(5);
    expect(await stockOf(a)).toEqual({ onHand: 5, reserved: 5, available: 0 });
  });

  it('returns the first result when repeated, reserving nothing more, even after a price change', async () => {
    const a = uniqueSku('RPT');
    const product = await createProduct(t.deps, productInput({}, [a]), origin);
    await setOnHand(t.deps, a, 10);
    const first = await reserve({ orderId: 'o-repeat', lines: [{ sku: a, quantity: 3 }] });
    await updateProduct(
      t.deps,
      product.id,
      { variants: [{ sku: a, name: 'V', attributes: {}, price: { amount: 999, currency: 'USD' } }] },
      origin,
    );
    const again = await reserve({ orderId: 'o-repeat', lines: [{ sku: a, quantity: 3 }] });
    expect(again).toEqual(first);
    expect(await stockOf(a)).toEqual({ onHand: 10, reserved: 3, available: 7 });
  });

  it('answers concurrent repeats of one order with one reservation', async () => {
    const [a = ''] = await stocked(10);
    const outputs = await Promise.all(
      Array.from({ length: 8 }, () => reserve({ orderId: 'o-dup-race', lines: [{ sku: a, quantity: 4 }] })),
    );
    for (const output of outputs) expect(output).toEqual(outputs[0]);
    expect(await stockOf(a)).toEqual({ onHand: 10, reserved: 4, available: 6 });
  });

  it('fails with OutOfStock naming the short SKUs and reserves nothing', async () => {
    const [a = '', b = ''] = await stocked(5, 1);
    const error = await errorOf(
      reserve({
        orderId: 'o-short',
        lines: [
          { sku: a, quantity: 2 },
          { sku: b, quantity: 2 },
        ],
      }),
    );
    expect(error.name).toBe(CATALOG_TASK_ERRORS.outOfStock);
    expect(error.skus).toEqual([b]);
    expect(error.message).toContain(b);
    expect(await stockOf(a)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    // Nothing was recorded: the same order can succeed once stock arrives.
    await setOnHand(t.deps, b, 2);
    const output = await reserve({
      orderId: 'o-short',
      lines: [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 2 },
      ],
    });
    expect(output.lines.map((line) => line.quantity)).toEqual([2, 2]);
  });

  it('treats unknown and archived SKUs as out of stock, saying which are unknown', async () => {
    const [a = ''] = await stocked(5);
    const archived = uniqueSku('ARC');
    const product = await createProduct(t.deps, productInput({}, [archived]), origin);
    await setOnHand(t.deps, archived, 5);
    await archiveProduct(t.deps, product.id, origin);
    const error = await errorOf(
      reserve({
        orderId: 'o-unknown',
        lines: [
          { sku: a, quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
          { sku: archived, quantity: 1 },
        ],
      }),
    );
    expect(error.name).toBe('OutOfStock');
    expect(error.skus).toEqual(['NO-SUCH-SKU', archived]);
    expect(error.unknownSkus).toEqual(['NO-SUCH-SKU', archived]);
    expect(await stockOf(a)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refuses input that breaks the contract', async () => {
    const error = await errorOf(reserve({ orderId: 'o-bad', lines: [{ sku: 'lower-case', quantity: 0 }] }));
    expect(error.name).toBe('TaskInputInvalid');
  });

  it('lets exactly one of many orders racing for the last unit win, never going negative', async () => {
    const [last = ''] = await stocked(1);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        reserve({ orderId: `o-race-${i}`, lines: [{ sku: last, quantity: 1 }] }),
      ),
    );
    const won = results.filter(
      (r): r is PromiseFulfilledResult<ReserveStockOutput> => r.status === 'fulfilled',
    );
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toMatchObject({ name: 'OutOfStock' });
    expect(await stockOf(last)).toEqual({ onHand: 1, reserved: 1, available: 0 });
  });

  it('lets the transaction condition alone decide the race (no read beforehand)', async () => {
    const [last = ''] = await stocked(2);
    const { stock } = await t.deps.reservations.load('none', [last]);
    const found = stock.get(last);
    if (!found) throw new Error('stock missing');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.deps.reservations.reserve({
          orderId: `o-direct-${i}`,
          status: 'RESERVED',
          lines: [{ sku: last, quantity: 1, unitPrice: found.price, productId: found.productId, name: 'x' }],
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        }),
      ),
    );
    expect(results.filter((r) => r.kind === 'reserved')).toHaveLength(2);
    for (const r of results) expect(['reserved', 'short', 'conflict']).toContain(r.kind);
    expect(await stockOf(last)).toEqual({ onHand: 2, reserved: 2, available: 0 });
  });

  it('sells exactly the units on hand when many multi-line orders race', async () => {
    const [a = '', b = ''] = await stocked(7, 100);
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) =>
        reserve({
          orderId: `o-multi-${i}`,
          lines: [
            { sku: b, quantity: 1 },
            { sku: a, quantity: 1 },
          ],
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled').length;
    expect(won).toBe(7);
    expect(await stockOf(a)).toEqual({ onHand: 7, reserved: 7, available: 0 });
    // All-or-nothing: the losers reserved nothing of the plentiful SKU either.
    expect(await stockOf(b)).toEqual({ onHand: 100, reserved: 7, available: 93 });
  });
});

describe('ReleaseStock', () => {
  it('returns the reserved units once, then is a no-op', async () => {
    const [a = ''] = await stocked(4);
    await reserve({ orderId: 'o-release', lines: [{ sku: a, quantity: 3 }] });
    expect(await release({ orderId: 'o-release' })).toEqual({ orderId: 'o-release', outcome: 'released' });
    expect(await stockOf(a)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    expect(await release({ orderId: 'o-release' })).toEqual({
      orderId: 'o-release',
      outcome: 'already-released',
    });
    expect(await stockOf(a)).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });

  it('is a no-op for an order that reserved nothing', async () => {
    expect(await release({ orderId: 'o-never' })).toEqual({ orderId: 'o-never', outcome: 'not-reserved' });
  });

  it('releases once when repeated concurrently', async () => {
    const [a = ''] = await stocked(6);
    await reserve({ orderId: 'o-release-race', lines: [{ sku: a, quantity: 5 }] });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => release({ orderId: 'o-release-race' })),
    );
    expect(outcomes.filter((o) => o.outcome === 'released')).toHaveLength(1);
    expect(await stockOf(a)).toEqual({ onHand: 6, reserved: 0, available: 6 });
  });
});

describe('CommitStock', () => {
  it('turns a reservation into a sale once, however often it is repeated', async () => {
    const [a = '', b = ''] = await stocked(5, 5);
    await reserve({
      orderId: 'o-commit',
      lines: [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 5 },
      ],
    });
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => commitStock(t.deps, 'o-commit')));
    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already-committed')).toHaveLength(3);
    expect(await stockOf(a)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await stockOf(b)).toEqual({ onHand: 0, reserved: 0, available: 0 });
  });

  it('does not sell a released reservation', async () => {
    const [a = ''] = await stocked(5);
    await reserve({ orderId: 'o-released-first', lines: [{ sku: a, quantity: 2 }] });
    await releaseStock(t.deps, 'o-released-first');
    expect(await commitStock(t.deps, 'o-released-first')).toBe('released');
    expect(await stockOf(a)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('does nothing for an order without a reservation', async () => {
    expect(await commitStock(t.deps, 'o-ghost')).toBe('not-reserved');
  });
});
