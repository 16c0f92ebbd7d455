import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { CHECKOUT_VIEW_ERRORS, CHECKOUT_VIEW_FUNCTION, CheckoutViewOutput } from '@shop/contracts/cart';
import { TRANSIENT_ERROR } from '@shop/contracts/saga';
import { InternalFunctionError, isRetryable } from '@shop/platform/invoke';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setItemQuantity } from '../src/application/cart.use-cases.ts';
import { createCheckoutViewFunction } from '../src/application/checkout-view.use-case.ts';
import { createSkuLookup } from '../src/composition-root.ts';
import { customerOwner } from '../src/domain/cart-owner.ts';
import {
  type CartTestEnv,
  fastPolicy,
  LOOKUP_FUNCTION_NAME,
  productChange,
  skuInfo,
  startCartTestEnv,
  uniqueId,
  uniqueSku,
} from './cart-test.fixture.ts';
import { startCatalogLambdaDouble } from './catalog-lambda.double.ts';

vi.stubEnv('LOG_LEVEL', 'SILENT');

let t: CartTestEnv;
let checkoutView: ReturnType<typeof createCheckoutViewFunction>;

beforeAll(async () => {
  t = await startCartTestEnv();
  checkoutView = createCheckoutViewFunction(t.deps);
});
afterAll(() => t.stop());

describe('checkoutView (invoked by the order service)', () => {
  it("returns the customer's lines at the prices the cart shows now", async () => {
    const tee = uniqueSku('TEE');
    const cap = uniqueSku('CAP');
    const productId = uniqueId('prd-co');
    await t.publish(
      productChange(productId, [
        { sku: tee, price: 1900, name: 'M' },
        { sku: cap, price: 800, name: 'One size' },
      ]),
    );
    const customerId = uniqueId('gina');
    await setItemQuantity(t.deps, customerOwner(customerId), tee, 2);
    const cart = await setItemQuantity(t.deps, customerOwner(customerId), cap, 1);
    await t.publish(
      productChange(
        productId,
        [
          { sku: tee, price: 1700, name: 'M' },
          { sku: cap, price: 800, name: 'One size' },
        ],
        {
          version: 2,
        },
      ),
    );

    const view = CheckoutViewOutput.parse(await checkoutView({ customerId }));
    expect(view).toEqual({
      cartId: cart.id,
      customerId,
      items: [
        {
          sku: tee,
          productId,
          name: 'Classic Tee (M)',
          quantity: 2,
          unitPrice: { amount: 1700, currency: 'USD' },
        },
        {
          sku: cap,
          productId,
          name: 'Classic Tee (One size)',
          quantity: 1,
          unitPrice: { amount: 800, currency: 'USD' },
        },
      ],
      subtotal: { amount: 2 * 1700 + 800, currency: 'USD' },
    });
  });

  it('returns an empty view with a null cartId for a customer without a cart', async () => {
    const customerId = uniqueId('hank');
    expect(await checkoutView({ customerId })).toEqual({
      cartId: null,
      customerId,
      items: [],
      subtotal: { amount: 0, currency: 'USD' },
    });
  });

  it('asks the catalog for lines the replica does not hold', async () => {
    const customerId = uniqueId('ivy');
    const mug = uniqueSku('MUG');
    // A line stored while the replica knew the SKU, whose replica copy is gone (e.g. a fresh table).
    await t.deps.carts.setLine(
      customerOwner(customerId),
      { sku: mug, quantity: 3, addedAt: new Date().toISOString() },
      { now: new Date(), newCartId: crypto.randomUUID(), maxLines: 50 },
    );
    t.catalog.skus.set(mug, skuInfo(mug, 450));
    const view = await checkoutView({ customerId });
    expect(view.items).toEqual([
      expect.objectContaining({ sku: mug, quantity: 3, unitPrice: { amount: 450, currency: 'USD' } }),
    ]);
    expect(view.subtotal.amount).toBe(1350);
  });

  it('fails with CatalogUnavailable when a line cannot be priced', async () => {
    const catalog = await startCatalogLambdaDouble();
    catalog.mode = 'service-error';
    try {
      const task = createCheckoutViewFunction({
        ...t.deps,
        catalog: createSkuLookup(LOOKUP_FUNCTION_NAME, { lambda: catalog.lambda, policy: fastPolicy() }),
      });
      const customerId = uniqueId('jack');
      await t.deps.carts.setLine(
        customerOwner(customerId),
        { sku: uniqueSku('LOST'), quantity: 1, addedAt: new Date().toISOString() },
        { now: new Date(), newCartId: crypto.randomUUID(), maxLines: 50 },
      );
      await expect(task({ customerId })).rejects.toMatchObject({
        name: CHECKOUT_VIEW_ERRORS.catalogUnavailable,
      });
    } finally {
      await catalog.close();
    }
  });

  it.each([{}, { customerId: '' }, null, 'alice'])('fails with TaskInputInvalid for %j', async (input) => {
    await expect(checkoutView(input)).rejects.toMatchObject({ name: CHECKOUT_VIEW_ERRORS.invalidInput });
  });

  it("fails a DynamoDB throttle as TransientError, which the caller's call policy retries, and CatalogUnavailable is final", async () => {
    const throttled = createCheckoutViewFunction({
      ...t.deps,
      carts: {
        ...t.deps.carts,
        find: () =>
          Promise.reject(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })),
      },
    });
    const error = await throttled({ customerId: uniqueId('kim') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: TRANSIENT_ERROR });
    expect(isRetryable(new InternalFunctionError(CHECKOUT_VIEW_FUNCTION, TRANSIENT_ERROR))).toBe(true);
    expect(
      isRetryable(new InternalFunctionError(CHECKOUT_VIEW_FUNCTION, CHECKOUT_VIEW_ERRORS.catalogUnavailable)),
    ).toBe(false);
  });
});
