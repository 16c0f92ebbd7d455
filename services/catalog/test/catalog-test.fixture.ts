import type { CreateProductRequest } from '@shop/contracts/catalog';
import { startTestDynamoDb, type TestDynamoDb } from '@shop/local-cloud/testing';
import type { CatalogDeps } from '../src/application/catalog.deps.ts';
import { createCatalogDeps } from '../src/composition-root.ts';
import catalogService from '../src/service.ts';

export interface CatalogTestDb {
  readonly db: TestDynamoDb;
  readonly tableName: string;
  readonly deps: CatalogDeps;
}

/** A DynamoDB Local with the catalog's table, created from the service definition. */
export const startCatalogDb = async (): Promise<CatalogTestDb> => {
  const db = await startTestDynamoDb([catalogService]);
  const tableName = db.tableName('catalog');
  return { db, tableName, deps: createCatalogDeps(tableName, db.documentClient) };
};

let counter = 0;
/** A unique SKU prefix per call, so tests sharing a table never collide. */
export const uniqueSku = (base: string): string => {
  counter += 1;
  return `${base}-${process.pid % 1000}-${counter}`;
};

export const productInput = (
  overrides: Partial<CreateProductRequest> = {},
  skus: readonly string[] = [uniqueSku('SKU')],
): CreateProductRequest => ({
  name: 'Test Tee',
  description: 'A shirt for tests.',
  category: 'apparel',
  variants: skus.map((sku, index) => ({
    sku,
    name: `Variant ${index + 1}`,
    attributes: { size: ['S', 'M', 'L'][index % 3] ?? 'M' },
    price: { amount: 1900 + index * 100, currency: 'USD' },
  })),
  ...overrides,
});
