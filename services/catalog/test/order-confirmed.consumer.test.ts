import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrderConfirmed } from '@shop/contracts/order';
import { createEventConsumer } from '@shop/platform/consumer';
import { lambdaContext, sqsEventFor } from '@shop/platform/consumer/testing';
import { createEvent } from '@shop/platform/outbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setOnHand } from '../src/application/inventory.use-cases.ts';
import { commitStockOnOrderConfirmed } from '../src/application/order-confirmed.handler.ts';
import { createProduct } from '../src/application/product.use-cases.ts';
import { releaseStock, reserveStock } from '../src/application/stock-reservation.use-cases.ts';
import { reservationKey, skuKey } from '../src/infrastructure/catalog-table.keys.ts';
import { type CatalogTestDb, productInput, startCatalogDb, uniqueSku } from './catalog-test.fixture.ts';

vi.stubEnv('LOG_LEVEL', 'SILENT');

let t: CatalogTestDb;
let consumer: ReturnType<typeof createEventConsumer>;

beforeAll(async () => {
  t = await startCatalogDb();
  // The same wiring as src/handlers/order-confirmed.consumer.ts, over DynamoDB Local.
  consumer = createEventConsumer({
    handlers: [commitStockOnOrderConfirmed(t.deps)],
    idempotency: { tableName: t.tableName, client: t.db.client },
  });
});
afterAll(() => t.db.stop());

const context = lambdaContext('catalog-commit-stock');

const sqsEvent = sqsEventFor('catalog-commit-stock');

const read = async (key: Record<string, string>) =>
  (await t.db.documentClient.send(new GetCommand({ TableName: t.tableName, Key: key, ConsistentRead: true })))
    .Item;

describe('order.confirmed consumer (CommitStock)', () => {
  it('commits the reservation once, even when the event is delivered again', async () => {
    const sku = uniqueSku('SOLD');
    await createProduct(t.deps, productInput({}, [sku]), { correlationId: 'test' });
    await setOnHand(t.deps, sku, 5);
    await reserveStock(t.deps, { orderId: 'o-confirmed', lines: [{ sku, quantity: 2 }] });
    const event = createEvent(
      OrderConfirmed,
      {
        orderId: 'o-confirmed',
        customerId: 'carol',
        lines: [{ sku, quantity: 2 }],
        total: { amount: 3800, currency: 'USD' },
      },
      { source: 'order', correlationId: 'checkout-1' },
    );

    expect(await consumer(sqsEvent(event), context)).toEqual({ batchItemFailures: [] });
    expect(await consumer(sqsEvent(event), context)).toEqual({ batchItemFailures: [] });

    expect(await read(skuKey(sku))).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect(await read(reservationKey('o-confirmed'))).toMatchObject({ status: 'COMMITTED' });
  });

  it('acknowledges a confirmation that arrives after the saga released the stock, selling nothing', async () => {
    const sku = uniqueSku('LATE');
    await createProduct(t.deps, productInput({}, [sku]), { correlationId: 'test' });
    await setOnHand(t.deps, sku, 5);
    await reserveStock(t.deps, { orderId: 'o-compensated', lines: [{ sku, quantity: 2 }] });
    expect((await releaseStock(t.deps, 'o-compensated')).outcome).toBe('released');
    const event = createEvent(
      OrderConfirmed,
      {
        orderId: 'o-compensated',
        customerId: 'carol',
        lines: [{ sku, quantity: 2 }],
        total: { amount: 3800, currency: 'USD' },
      },
      { source: 'order', correlationId: 'checkout-2' },
    );

    expect(await consumer(sqsEvent(event), context)).toEqual({ batchItemFailures: [] });

    expect(await read(skuKey(sku))).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    expect(await read(reservationKey('o-compensated'))).toMatchObject({ status: 'RELEASED' });
  });

  it('reports a message that is not an order.confirmed event as failed (for the DLQ)', async () => {
    const result = await consumer(sqsEvent('{"not":"an event"}'), context);
    expect(result.batchItemFailures).toHaveLength(1);
  });
});
