import type { ProductChangedData, SkuInfo } from '@shop/contracts/catalog';
import { startTestDynamoDb, type TestDynamoDb } from '@shop/local-cloud/testing';
import type { CallPolicyOptions } from '@shop/platform/invoke';
import type { CartDeps } from '../src/application/cart.deps.ts';
import { GUEST_CART_TTL_SECONDS } from '../src/application/cart.use-cases.ts';
import { CATALOG_CALL_POLICY, createSkuLookup } from '../src/composition-root.ts';
import type { ReplicaApplyResult } from '../src/domain/product-replica.port.ts';
import { DynamoDbCartRepository } from '../src/infrastructure/dynamodb-cart.repository.ts';
import { DynamoDbProductReplica } from '../src/infrastructure/dynamodb-product.replica.ts';
import { createJoseCartTokens } from '../src/infrastructure/jose-cart.tokens.ts';
import type { LambdaSkuLookup } from '../src/infrastructure/lambda-sku.lookup.ts';
import cartService from '../src/service.ts';
import { type CatalogLambdaDouble, startCatalogLambdaDouble } from './catalog-lambda.double.ts';
import { createPromotionsDouble, type PromotionsDouble } from './promotions.double.ts';

export const TEST_SECRET = 'a-test-secret-of-at-least-32-characters!';
export const LOOKUP_FUNCTION_NAME = 'catalog-lookup-skus';

export interface CartTestEnv {
  readonly db: TestDynamoDb;
  readonly tableName: string;
  readonly catalog: CatalogLambdaDouble;
  readonly lookup: LambdaSkuLookup;
  readonly promotions: PromotionsDouble;
  readonly deps: CartDeps;
  /**
   * A product's state as the catalog has it, then as its `catalog.product-changed` event brings it
   * to the replica: the stand-in catalog knows it first (with `available` units per new SKU).
   */
  publish(change: ProductChangedData, available?: number): Promise<ReplicaApplyResult>;
  stop(): Promise<void>;
}

/** Units the stand-in catalog has of a SKU it learns from a product change, unless told otherwise. */
export const DEFAULT_AVAILABLE = 1000;

/**
 * Makes the stand-in catalog hold a product's state, as the real one does before publishing it: the
 * listed SKUs with their names, price and status, the SKUs it no longer lists as archived. A state
 * older than what it holds changes nothing; a SKU's stock is kept unless `available` is given.
 */
export const catalogFollows = (
  catalog: CatalogLambdaDouble,
  change: ProductChangedData,
  available?: number,
): void => {
  const listed = new Set(change.variants.map((variant) => variant.sku));
  for (const variant of change.variants) {
    const held = catalog.skus.get(variant.sku);
    if (held && held.version >= change.version) continue;
    catalog.skus.set(variant.sku, {
      sku: variant.sku,
      productId: change.productId,
      productName: change.name,
      variantName: variant.name,
      price: variant.price,
      status: change.status,
      version: change.version,
      available: available ?? held?.available ?? DEFAULT_AVAILABLE,
    });
  }
  for (const [sku, info] of catalog.skus) {
    if (info.productId === change.productId && !listed.has(sku) && info.version < change.version) {
      catalog.skus.set(sku, { ...info, status: 'archived', version: change.version });
    }
  }
};

/** Short timings so failure paths run quickly (1 s per attempt survives a loaded machine); the breaker opens after 3 failed attempts. */
export const fastPolicy = (): CallPolicyOptions => ({
  ...CATALOG_CALL_POLICY,
  maxAttempts: 2,
  attemptTimeoutMs: 1_000,
  initialDelayMs: 5,
  maxDelayMs: 10,
  breaker: { counts: 'attempt', after: 3, halfOpenAfterMs: 60_000 },
});

/** DynamoDB Local with the cart's table (from its definition), and a stand-in catalog Lambda. */
export const startCartTestEnv = async (): Promise<CartTestEnv> => {
  const db = await startTestDynamoDb([cartService]);
  const catalog = await startCatalogLambdaDouble();
  const tableName = db.tableName('cart');
  const lookup = createSkuLookup(LOOKUP_FUNCTION_NAME, { lambda: catalog.lambda, policy: fastPolicy() });
  const promotions = createPromotionsDouble();
  const deps: CartDeps = {
    carts: new DynamoDbCartRepository(db.documentClient, tableName),
    replica: new DynamoDbProductReplica(db.documentClient, tableName),
    catalog: lookup,
    tokens: createJoseCartTokens({ secret: TEST_SECRET, ttlSeconds: GUEST_CART_TTL_SECONDS }),
    promotions,
  };
  return {
    db,
    tableName,
    catalog,
    lookup,
    promotions,
    deps,
    publish: (change, available) => {
      catalogFollows(catalog, change, available);
      return deps.replica.applyProductChange(change);
    },
    stop: async () => {
      await catalog.close();
      await db.stop();
    },
  };
};

let counter = 0;
/** A unique SKU per call, so tests sharing a table never collide. */
export const uniqueSku = (base = 'SKU'): string => {
  counter += 1;
  return `${base}-${process.pid % 1000}-${counter}`;
};
export const uniqueId = (base: string): string => {
  counter += 1;
  return `${base}-${process.pid % 1000}-${counter}`;
};

export interface VariantSpec {
  readonly sku: string;
  readonly price: number;
  readonly name?: string;
}

/** A `catalog.product-changed` payload. */
export const productChange = (
  productId: string,
  variants: readonly VariantSpec[],
  overrides: Partial<ProductChangedData> = {},
): ProductChangedData => ({
  productId,
  change: 'updated',
  version: 1,
  status: 'active',
  name: 'Classic Tee',
  category: 'apparel',
  variants: variants.map((variant) => ({
    sku: variant.sku,
    name: variant.name ?? 'M',
    price: { amount: variant.price, currency: 'USD' },
  })),
  updatedAt: new Date().toISOString(),
  ...overrides,
});

/** What the stand-in catalog answers for a SKU. */
export const skuInfo = (sku: string, price: number, overrides: Partial<SkuInfo> = {}): SkuInfo => ({
  sku,
  productId: `prd-${sku.toLowerCase()}`,
  productName: 'Mug',
  variantName: 'Blue',
  price: { amount: price, currency: 'USD' },
  status: 'active',
  version: 1,
  available: DEFAULT_AVAILABLE,
  ...overrides,
});
