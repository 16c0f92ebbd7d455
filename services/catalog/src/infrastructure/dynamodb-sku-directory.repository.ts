import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Sku, SkuInfo } from '@shop/contracts/catalog';
import type { SkuDirectory } from '../domain/catalog.repository.port.ts';
import { productKey } from './catalog-table.keys.ts';
import { batchGetItems, batchGetSkuItems } from './sku-items.batch-get.ts';
import {
  PRODUCT_REVISION_ATTRIBUTES,
  productVersionOf,
  SKU_LOOKUP_ATTRIBUTES,
  type SkuLookupItem,
  skuLookupOf,
} from './stored-item.schemas.ts';

/**
 * Answers `lookupSkus` from the SKU items: every product write refreshes its SKU items (name, price,
 * status, version) in the same transaction, and every stock write keeps their `available`, so one
 * BatchGetItem per 100 SKUs is the whole read.
 * Items written before SKU items carried the version cost one more BatchGetItem of their products.
 */
export class DynamoDbSkuDirectory implements SkuDirectory {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async describe(skus: readonly Sku[]): Promise<Map<Sku, SkuInfo>> {
    if (skus.length === 0) return new Map();
    // Strongly consistent: a product created a moment ago must not be reported missing.
    const items = (
      await batchGetSkuItems(this.#ddb, this.#table, skus, {
        consistent: true,
        attributes: SKU_LOOKUP_ATTRIBUTES,
      })
    ).map(skuLookupOf);
    const versions = await this.#versionsOfProducts(
      items.filter((item) => item.productVersion === undefined).map((item) => item.productId),
    );
    const result = new Map<Sku, SkuInfo>();
    for (const item of items) {
      const version = item.productVersion ?? versions.get(item.productId);
      // A SKU item always has its product (one transaction wrote both); skip one that does not.
      if (version !== undefined) result.set(item.sku, infoOf(item, version));
    }
    return result;
  }

  async #versionsOfProducts(productIds: readonly string[]): Promise<Map<string, number>> {
    const unique = [...new Set(productIds)];
    if (unique.length === 0) return new Map();
    const items = await batchGetItems(this.#ddb, this.#table, unique.map(productKey), {
      consistent: true,
      attributes: PRODUCT_REVISION_ATTRIBUTES,
    });
    return new Map(items.map(productVersionOf).map((product) => [product.id, product.version]));
  }
}

const infoOf = (item: SkuLookupItem, version: number): SkuInfo => ({
  sku: item.sku,
  productId: item.productId,
  productName: item.productName,
  variantName: item.name,
  price: item.price,
  // A dropped variant is not sold, like the SKUs of an archived product.
  status: item.status === 'active' ? 'active' : 'archived',
  version,
  // Every stock write keeps `available = onHand - reserved >= 0`; the clamp keeps the contract even
  // if an item was ever edited by hand.
  available: Math.max(0, item.available),
});
