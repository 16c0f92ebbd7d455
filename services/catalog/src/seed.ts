import { createDocumentClient } from '@shop/platform/dynamodb';
import type { CatalogDeps } from './application/catalog.deps.ts';
import { createProduct } from './application/product.use-cases.ts';
import { createCatalogDeps } from './composition-root.ts';
import { ProductExistsError } from './domain/catalog.errors.ts';
import { taskEnv } from './env.ts';
import { SEED_PRODUCTS } from './seed-data.ts';

export interface SeedResult {
  readonly created: number;
  readonly existing: number;
}

/**
 * Creates the demo products that do not exist yet, each with its stock, in one transaction apiece.
 * Categories are seeded side by side, the products of one category one after the other: a product's
 * transaction counts it in its category's item, and two in one category at once would only conflict.
 */
export const seedCatalog = async (deps: CatalogDeps): Promise<SeedResult> => {
  const byCategory = Map.groupBy(SEED_PRODUCTS, (seedProduct) => seedProduct.product.category);
  const outcomes = (
    await Promise.all(
      [...byCategory.values()].map(async (products) => {
        const created: ('created' | 'existing')[] = [];
        for (const { id, product, stock } of products) {
          try {
            await createProduct(
              deps,
              product,
              { correlationId: 'seed' },
              { id, initialStock: new Map(Object.entries(stock)) },
            );
            created.push('created');
          } catch (error) {
            // Conditional puts make the seed idempotent: a product already there is left as it is.
            if (!(error instanceof ProductExistsError)) throw error;
            created.push('existing');
          }
        }
        return created;
      }),
    )
  ).flat();
  return {
    created: outcomes.filter((outcome) => outcome === 'created').length,
    existing: outcomes.filter((outcome) => outcome === 'existing').length,
  };
};

/** Entry point of `npm start`'s seeding, run with the service's environment (TABLE_NAME, AWS endpoint). */
export const seed = async (): Promise<SeedResult> => {
  const client = createDocumentClient();
  try {
    return await seedCatalog(createCatalogDeps(taskEnv().TABLE_NAME, client));
  } finally {
    client.destroy();
  }
};
