import { ProductChanged } from '@shop/contracts/catalog';
import { OrderConfirmed } from '@shop/contracts/order';
import { createEventConsumer } from '@shop/platform/consumer';
import { lambdaContext, sqsEventFor } from '@shop/platform/consumer/testing';
import { createEvent } from '@shop/platform/outbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getCart, setItemQuantity } from '../src/application/cart.use-cases.ts';
import { emptyCartOnOrderConfirmed } from '../src/application/order-confirmed.handler.ts';
import { refreshReplicaOnProductChanged } from '../src/application/product-changed.handler.ts';
import { SkuNotAvailableError } from '../src/domain/cart.errors.ts';
import { customerOwner } from '../src/domain/cart-owner.ts';
import {
  type CartTestEnv,
  catalogFollows,
  productChange,
  startCartTestEnv,
  uniqueId,
  uniqueSku,
} from './cart-test.fixture.ts';

const productChangedEvent = sqsEventFor('cart-product-changed');
const orderConfirmedEvent = sqsEventFor('cart-order-confirmed');

vi.stubEnv('LOG_LEVEL', 'SILENT');

let t: CartTestEnv;
let productConsumer: ReturnType<typeof createEventConsumer>;
let orderConsumer: ReturnType<typeof createEventConsumer>;

beforeAll(async () => {
  t = await startCartTestEnv();
  // The same wiring as src/handlers/*.consumer.ts, over DynamoDB Local.
  productConsumer = createEventConsumer({
    handlers: [refreshReplicaOnProductChanged(t.deps)],
    idempotency: { tableName: t.tableName, client: t.db.client },
  });
  orderConsumer = createEventConsumer({
    handlers: [emptyCartOnOrderConfirmed(t.deps)],
    idempotency: { tableName: t.tableName, client: t.db.client },
  });
});
afterAll(() => t.stop());

/** A product change as the catalog makes it: its own state first, then the event to the cart. */
const deliverProductChange = async (data: ReturnType<typeof productChange>) => {
  catalogFollows(t.catalog, data);
  const envelope = createEvent(ProductChanged, data, { source: 'catalog', correlationId: 'corr-test' });
  const result = await productConsumer(productChangedEvent(envelope), lambdaContext('cart-product-changed'));
  expect(result).toEqual({ batchItemFailures: [] });
  return envelope;
};

const confirmed = (orderId: string, customerId: string, sku: string) =>
  createEvent(
    OrderConfirmed,
    { orderId, customerId, lines: [{ sku, quantity: 1 }], total: { amount: 1000, currency: 'USD' } },
    { source: 'order', correlationId: `corr-${orderId}` },
  );

const deliverOrder = (envelope: ReturnType<typeof confirmed>) =>
  orderConsumer(orderConfirmedEvent(envelope), lambdaContext('cart-order-confirmed'));

describe('catalog.product-changed', () => {
  it('refreshes the prices carts show without touching the carts', async () => {
    const sku = uniqueSku('TEE');
    const productId = uniqueId('prd-tee');
    await deliverProductChange(productChange(productId, [{ sku, price: 1900 }], { change: 'created' }));
    const owner = customerOwner(uniqueId('carol'));
    const before = await setItemQuantity(t.deps, owner, sku, 3);
    expect(before.subtotal).toEqual({ amount: 5700, currency: 'USD' });
    const catalogCalls = t.catalog.calls.length;

    await deliverProductChange(
      productChange(productId, [{ sku, price: 1500 }], { version: 2, name: 'Softer Tee' }),
    );

    const after = await getCart(t.deps, owner);
    expect(after.items).toEqual([
      expect.objectContaining({
        sku,
        name: 'Softer Tee (M)',
        unitPrice: { amount: 1500, currency: 'USD' },
        lineTotal: { amount: 4500, currency: 'USD' },
      }),
    ]);
    expect(after.subtotal).toEqual({ amount: 4500, currency: 'USD' });
    expect(after.updatedAt).toBe(before.updatedAt);
    // Reading the cart asks the catalog nothing: the replica has the new state.
    expect(t.catalog.calls.slice(catalogCalls).some((c) => c.skus.includes(sku))).toBe(false);
  });

  it('ignores an event whose version is not newer than the one applied', async () => {
    const sku = uniqueSku('MUG');
    const productId = uniqueId('prd-mug');
    await deliverProductChange(productChange(productId, [{ sku, price: 900 }], { version: 3 }));
    // Reordered and replayed states, each a new event id, so only the version check stops them.
    await deliverProductChange(productChange(productId, [{ sku, price: 100 }], { version: 2 }));
    await deliverProductChange(productChange(productId, [{ sku, price: 200 }], { version: 3 }));
    const snapshot = (await t.deps.replica.getMany([sku])).get(sku);
    expect(snapshot).toMatchObject({ price: { amount: 900 }, version: 3 });
    await deliverProductChange(productChange(productId, [{ sku, price: 950 }], { version: 4 }));
    expect((await t.deps.replica.getMany([sku])).get(sku)).toMatchObject({
      price: { amount: 950 },
      version: 4,
    });
  });

  it('reports whether a change was applied or stale', async () => {
    const sku = uniqueSku('CUP');
    const productId = uniqueId('prd-cup');
    expect(
      await t.deps.replica.applyProductChange(productChange(productId, [{ sku, price: 1 }], { version: 2 })),
    ).toEqual({
      applied: 1,
      stale: 0,
    });
    expect(
      await t.deps.replica.applyProductChange(productChange(productId, [{ sku, price: 2 }], { version: 1 })),
    ).toEqual({
      applied: 0,
      stale: 1,
    });
  });

  it('hides lines of a variant the product no longer lists, or of an archived product, and refuses new ones', async () => {
    const kept = uniqueSku('KEEP');
    const dropped = uniqueSku('DROP');
    const productId = uniqueId('prd-two');
    await deliverProductChange(
      productChange(productId, [
        { sku: kept, price: 100 },
        { sku: dropped, price: 200 },
      ]),
    );
    const owner = customerOwner(uniqueId('dave'));
    await setItemQuantity(t.deps, owner, kept, 1);
    await setItemQuantity(t.deps, owner, dropped, 1);

    await deliverProductChange(productChange(productId, [{ sku: kept, price: 100 }], { version: 2 }));
    expect((await getCart(t.deps, owner)).items.map((item) => item.sku)).toEqual([kept]);
    await expect(setItemQuantity(t.deps, owner, dropped, 2)).rejects.toBeInstanceOf(SkuNotAvailableError);

    await deliverProductChange(
      productChange(productId, [{ sku: kept, price: 100 }], {
        version: 3,
        status: 'archived',
        change: 'archived',
      }),
    );
    expect((await getCart(t.deps, owner)).items).toEqual([]);

    // Restoring the product brings its lines back: the cart kept them.
    await deliverProductChange(
      productChange(
        productId,
        [
          { sku: kept, price: 100 },
          { sku: dropped, price: 250 },
        ],
        {
          version: 4,
          change: 'restored',
        },
      ),
    );
    expect((await getCart(t.deps, owner)).subtotal.amount).toBe(350);
  });

  it('reports a message that is not a product-changed event as a batch failure', async () => {
    const result = await productConsumer(
      productChangedEvent('{"not":"an event"}'),
      lambdaContext('cart-product-changed'),
    );
    expect(result.batchItemFailures).toHaveLength(1);
  });
});

describe('order.confirmed', () => {
  it("empties the buyer's cart once; a duplicate or late redelivery does not wipe lines added since", async () => {
    const sku = uniqueSku('BUY');
    await deliverProductChange(productChange(uniqueId('prd-buy'), [{ sku, price: 1000 }]));
    const customerId = uniqueId('erin');
    const owner = customerOwner(customerId);
    const before = await setItemQuantity(t.deps, owner, sku, 2);
    const event = confirmed(uniqueId('order'), customerId, sku);

    expect(await deliverOrder(event)).toEqual({ batchItemFailures: [] });
    const emptied = await getCart(t.deps, owner);
    expect(emptied).toMatchObject({ id: before.id, items: [], subtotal: { amount: 0 } });

    // The shopper starts a new cart; then the same event arrives again (same id) ...
    await setItemQuantity(t.deps, owner, sku, 1);
    expect(await deliverOrder(event)).toEqual({ batchItemFailures: [] });
    // ... and once more as a new envelope for the same order (beyond the id dedupe window).
    expect(await deliverOrder({ ...event, id: crypto.randomUUID() })).toEqual({ batchItemFailures: [] });
    expect((await getCart(t.deps, owner)).items).toEqual([expect.objectContaining({ sku, quantity: 1 })]);

    // The next order empties it again.
    expect(await deliverOrder(confirmed(uniqueId('order'), customerId, sku))).toEqual({
      batchItemFailures: [],
    });
    expect((await getCart(t.deps, owner)).items).toEqual([]);
  });

  it('does nothing for a customer without a cart', async () => {
    const customerId = uniqueId('frank');
    expect(await deliverOrder(confirmed(uniqueId('order'), customerId, 'ABC-1'))).toEqual({
      batchItemFailures: [],
    });
    expect(await t.deps.carts.find(customerOwner(customerId), new Date())).toBeUndefined();
  });
});
