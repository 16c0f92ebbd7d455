import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listCategories, listProducts } from '../src/application/product.use-cases.ts';
import { seed, seedCatalog } from '../src/seed.ts';
import { SEED_PRODUCTS } from '../src/seed-data.ts';
import { type CatalogTestDb, startCatalogDb } from './catalog-test.fixture.ts';

let t: CatalogTestDb;

beforeAll(async () => {
  t = await startCatalogDb();
});
afterAll(() => t.db.stop());

describe('seed', () => {
  it('loads at least 12 stocked products in 3 categories, several with variants', async () => {
    expect(await seedCatalog(t.deps)).toEqual({ created: SEED_PRODUCTS.length, existing: 0 });
    const { items } = await listProducts(t.deps, { limit: 100 });
    expect(items.length).toBeGreaterThanOrEqual(12);
    expect(items.filter((p) => p.variants.length > 1).length).toBeGreaterThanOrEqual(4);
    for (const product of items)
      for (const variant of product.variants) expect(variant.available).toBeGreaterThan(0);
    // Variants without attributes read back as an empty map (stored without one).
    expect(items.find((p) => p.id === 'prd-power-bank')?.variants[0]?.attributes).toEqual({});
    const categories = await listCategories(t.deps, { limit: 100 });
    expect(categories.items.map((c) => [c.id, c.productCount])).toEqual([
      ['apparel', 5],
      ['electronics', 4],
      ['home-kitchen', 5],
    ]);
  });

  it('changes nothing when run again through its entry point with the service environment', async () => {
    vi.stubEnv('SERVICE_NAME', 'catalog');
    vi.stubEnv('TABLE_NAME', t.tableName);
    vi.stubEnv('AWS_ENDPOINT_URL', t.db.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    try {
      expect(await seed()).toEqual({ created: 0, existing: SEED_PRODUCTS.length });
    } finally {
      vi.unstubAllEnvs();
    }
    const { items } = await listProducts(t.deps, { limit: 100 });
    expect(items).toHaveLength(SEED_PRODUCTS.length);
    const categories = await listCategories(t.deps, { limit: 100 });
    expect(categories.items.reduce((sum, c) => sum + c.productCount, 0)).toBe(SEED_PRODUCTS.length);
  });
});
