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

/** Creates the demo products that do not exist yet, each with its stock, in one transaction apiece. */
export const seedCatalog = async (deps: CatalogDeps): Promise<SeedResult> => {
  // One product after the other: they share category items, and parallel writes would only conflict.
  const outcomes: ('created' | 'existing')[] = [];
  for (const { id, product, stock } of SEED_PRODUCTS) {
    try {
      await createProduct(
        deps,
        product,
        { correlationId: 'seed' },
        { id, initialStock: new Map(Object.entries(stock)) },
      );
      outcomes.push('created');
    } catch (error) {
      // Conditional puts make the seed idempotent: a product already there is left as it is.
      if (!(error instanceof ProductExistsError)) throw error;
      outcomes.push('existing');
    }
  }
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
