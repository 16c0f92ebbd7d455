import { describe, expect, it } from 'vitest';
import { parseEvent } from '../events/event-envelope.schema.ts';
import {
  CATALOG_TASKS,
  CreateProductRequest,
  LookupSkusInput,
  LookupSkusOutput,
  ProductChanged,
  ReleaseStockOutput,
  ReserveStockInput,
  RestockOrderInput,
  RestockOrderOutput,
  Sku,
  SkuInfo,
  UpdateProductRequest,
} from './index.ts';

const variant = (sku: string, currency = 'USD') => ({ sku, name: sku, price: { amount: 100, currency } });

describe('catalog contracts', () => {
  it.each(['TEE-M-BLK', 'ABC', '9LIVES', `A${'B'.repeat(39)}`])('accepts the SKU %s', (sku) => {
    expect(Sku.safeParse(sku).success).toBe(true);
  });

  it.each(['AB', '-ABC', 'tee-m', 'TEE M', `A${'B'.repeat(40)}`])('refuses the SKU %s', (sku) => {
    expect(Sku.safeParse(sku).success).toBe(false);
  });

  it('defaults attributes and description of a new product', () => {
    const parsed = CreateProductRequest.parse({
      name: ' Tee ',
      category: 'apparel',
      variants: [variant('TEE-1')],
    });
    expect(parsed).toEqual({
      name: 'Tee',
      description: '',
      category: 'apparel',
      variants: [{ ...variant('TEE-1'), attributes: {} }],
    });
  });

  it('refuses duplicate SKUs and mixed currencies within a product', () => {
    const duplicate = CreateProductRequest.safeParse({
      name: 'T',
      category: 'apparel',
      variants: [variant('A-1'), variant('A-1')],
    });
    expect(duplicate.success).toBe(false);
    const mixed = CreateProductRequest.safeParse({
      name: 'T',
      category: 'apparel',
      variants: [variant('A-1'), variant('A-2', 'EUR')],
    });
    expect(mixed.success).toBe(false);
  });

  it('refuses an empty patch', () => {
    expect(UpdateProductRequest.safeParse({}).success).toBe(false);
    expect(UpdateProductRequest.safeParse({ status: 'archived' }).success).toBe(true);
  });

  it('caps an order at 99 reservation lines', () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
    expect(ReserveStockInput.safeParse({ orderId: 'o-1', lines }).success).toBe(false);
    expect(ReserveStockInput.safeParse({ orderId: 'o-1', lines: lines.slice(0, 99) }).success).toBe(true);
  });

  it('describes catalog.product-changed v1', () => {
    const event = parseEvent(ProductChanged, {
      id: 'e-1',
      type: 'catalog.product-changed',
      version: 1,
      source: 'catalog',
      time: '2026-11-26T10:00:00.000Z',
      correlationId: 'c-1',
      data: {
        productId: 'prd-tee',
        change: 'updated',
        version: 2,
        status: 'active',
        name: 'Tee',
        category: 'apparel',
        variants: [{ sku: 'TEE-1', name: 'M', price: { amount: 1900, currency: 'USD' } }],
        updatedAt: '2026-11-26T10:00:00.000Z',
      },
    });
    expect(event.data.change).toBe('updated');
  });

  it('still parses ReleaseStock outputs of earlier versions and accepts the restock outcomes', () => {
    for (const outcome of ['committed', 'released', 'restocked', 'already-restocked']) {
      expect(ReleaseStockOutput.safeParse({ orderId: 'o-1', outcome }).success).toBe(true);
    }
    expect(ReleaseStockOutput.safeParse({ orderId: 'o-1', outcome: 'sold' }).success).toBe(false);
  });

  it('describes the RestockOrder task', () => {
    expect(CATALOG_TASKS.restockOrder).toBe('RestockOrder');
    expect(RestockOrderInput.safeParse({ orderId: '' }).success).toBe(false);
    expect(RestockOrderOutput.parse({ orderId: 'o-1', outcome: 'restocked' }).outcome).toBe('restocked');
    // RestockOrder never leaves a sold order as it is, so `committed` is not one of its outcomes.
    expect(RestockOrderOutput.safeParse({ orderId: 'o-1', outcome: 'committed' }).success).toBe(false);
  });

  it('looks up 1 to 100 valid SKUs', () => {
    expect(LookupSkusInput.safeParse({ skus: [] }).success).toBe(false);
    expect(LookupSkusInput.safeParse({ skus: ['lower'] }).success).toBe(false);
    const hundred = Array.from({ length: 100 }, (_, i) => `SKU-${i}`);
    expect(LookupSkusInput.safeParse({ skus: hundred }).success).toBe(true);
    expect(LookupSkusInput.safeParse({ skus: [...hundred, 'SKU-X'] }).success).toBe(false);
  });

  it('describes each looked-up SKU with the units available now, a whole number from 0', () => {
    const info = {
      sku: 'TEE-1',
      productId: 'prd-1',
      productName: 'Tee',
      variantName: 'M',
      price: { amount: 1900, currency: 'USD' },
      status: 'active',
      version: 1,
      available: 0,
    };
    expect(SkuInfo.parse(info)).toEqual(info);
    expect(SkuInfo.safeParse({ ...info, available: 3 }).success).toBe(true);
    expect(SkuInfo.safeParse({ ...info, available: -1 }).success).toBe(false);
    expect(SkuInfo.safeParse({ ...info, available: 1.5 }).success).toBe(false);
    const { available: _, ...withoutStock } = info;
    expect(SkuInfo.safeParse(withoutStock).success).toBe(false);
    expect(LookupSkusOutput.parse({ items: [info], missing: ['TEE-2'] }).items[0]?.available).toBe(0);
  });
});
