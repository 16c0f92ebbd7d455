import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope, Page } from '@shop/contracts';
import type { Category, CategoryId, Sku } from '@shop/contracts/catalog';
import { createCursorCodec } from '@shop/platform/cursor';
import { CONDITION_FAILED, cancellationCodesOf, TRANSACTION_CONFLICT } from '@shop/platform/dynamodb';
import { outboxPut } from '@shop/platform/outbox';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import * as z from 'zod';
import {
  ConcurrentUpdateError,
  DuplicateSkuError,
  ProductExistsError,
  TooManyChangesError,
} from '../domain/catalog.errors.ts';
import type { PageRequest, ProductRepository } from '../domain/catalog.repository.port.ts';
import { categoryNameOf, droppedSkus, type ProductRecord, type Variant } from '../domain/product.entity.ts';
import {
  ACTIVE_PRODUCTS_PK,
  activeIndexKeys,
  CATEGORIES_PK,
  categoryKey,
  categoryProductsPk,
  GSI_ALL_ACTIVE,
  GSI_BY_CATEGORY,
  PRODUCT_SK,
  productKey,
  skuKey,
} from './catalog-table.keys.ts';
import { productOf } from './stored-item.schemas.ts';
import { setExpression } from './update-expression.builder.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_TRANSACTION_ITEMS = 100;
/** Admin writes share SKU items with reservations; a conflict with one is retried a few times. */
const CONFLICT_RETRIES = 3;

const ProductKeyShape = {
  pk: z.string().regex(/^PRODUCT#[a-z0-9][a-z0-9-]{0,63}$/),
  sk: z.literal(PRODUCT_SK),
};
const SortKeyValue = z.string().min(1).max(400);
const allActiveCursorKey = z
  .object({ ...ProductKeyShape, gsi1pk: z.literal(ACTIVE_PRODUCTS_PK), gsi1sk: SortKeyValue })
  .strict();
const categoryCursorKey = (category: string) =>
  z
    .object({ ...ProductKeyShape, gsi2pk: z.literal(categoryProductsPk(category)), gsi2sk: SortKeyValue })
    .strict();
const categoriesCursorKey = z
  .object({ pk: z.literal(CATEGORIES_PK), sk: z.string().regex(/^CATEGORY#[a-z0-9-]{2,40}$/) })
  .strict();

/** Each list's cursors: scoped to the list, in its exact key shape (see `createCursorCodec`). */
const cursorsOf = (key: z.ZodType<Record<string, string>>) => createCursorCodec({ service: 'CATALOG', key });
const allActiveCursors = cursorsOf(allActiveCursorKey);
const categoriesCursors = cursorsOf(categoriesCursorKey);

const CategoryItem = z.object({ id: z.string(), name: z.string(), productCount: z.number().int() });

export class DynamoDbProductRepository implements ProductRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async get(id: string): Promise<ProductRecord | undefined> {
    const { Item } = await this.#ddb.send(new GetCommand({ TableName: this.#table, Key: productKey(id) }));
    return Item ? productOf(Item) : undefined;
  }

  async create(product: ProductRecord, event: EventEnvelope, initialStock?: ReadonlyMap<Sku, number>) {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.#table,
          Item: this.#productItem(product),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.#categoryCount(product.category, 1),
      ...product.variants.map((variant) =>
        this.#skuUpsert(product, variant, initialStock?.get(variant.sku) ?? 0),
      ),
      outboxPut(this.#table, event, { partitionHint: product.id }),
    ];
    await this.#write(items, product, () => new ProductExistsError(product.id));
  }

  async update(previous: ProductRecord, next: ProductRecord, event: EventEnvelope) {
    const dropped = droppedSkus(previous, next);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.#table,
          Item: this.#productItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        },
      },
      ...this.#categoryChanges(previous, next),
      ...next.variants.map((variant) => this.#skuUpsert(next, variant, 0)),
      ...dropped.map((sku) => this.#skuRemoval(next, sku)),
      outboxPut(this.#table, event, { partitionHint: next.id }),
    ];
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new TooManyChangesError(
        `this change touches ${items.length - 2} SKUs at once; drop or add fewer variants per request`,
      );
    }
    await this.#write(items, next, () => new ConcurrentUpdateError(`product ${next.id}`));
  }

  async replaceImages(previous: ProductRecord, next: ProductRecord): Promise<boolean> {
    try {
      await this.#ddb.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: productKey(next.id),
          ...(next.images.length > 0
            ? {
                UpdateExpression: 'SET images = :images, version = :next, updatedAt = :updatedAt',
                ExpressionAttributeValues: {
                  ':images': next.images,
                  ':next': next.version,
                  ':updatedAt': next.updatedAt,
                  ':version': previous.version,
                },
              }
            : {
                UpdateExpression: 'REMOVE images SET version = :next, updatedAt = :updatedAt',
                ExpressionAttributeValues: {
                  ':next': next.version,
                  ':updatedAt': next.updatedAt,
                  ':version': previous.version,
                },
              }),
          ConditionExpression: 'version = :version',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listActive(query: PageRequest & { category?: CategoryId | undefined }): Promise<Page<ProductRecord>> {
    const byCategory = query.category !== undefined;
    const scope = byCategory ? `products:category:${query.category}` : 'products:all';
    const cursors = byCategory ? cursorsOf(categoryCursorKey(query.category ?? '')) : allActiveCursors;
    const startKey = query.cursor ? cursors.decode(query.cursor, scope) : undefined;
    const { Items = [], LastEvaluatedKey } = await this.#ddb.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: byCategory ? GSI_BY_CATEGORY : GSI_ALL_ACTIVE,
        KeyConditionExpression: byCategory ? 'gsi2pk = :pk' : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': byCategory ? categoryProductsPk(query.category ?? '') : ACTIVE_PRODUCTS_PK,
        },
        Limit: query.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: Items.map(productOf),
      ...(LastEvaluatedKey ? { nextCursor: cursors.encode(scope, LastEvaluatedKey) } : {}),
    };
  }

  async listCategories(query: PageRequest): Promise<Page<Category>> {
    const scope = 'categories';
    let startKey: Record<string, unknown> | undefined = query.cursor
      ? categoriesCursors.decode(query.cursor, scope)
      : undefined;
    const items: Category[] = [];
    // Categories without active products are filtered out; keep reading until the page is full so a
    // page is never empty while more categories follow.
    do {
      const page = await this.#ddb.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'productCount > :zero',
          ExpressionAttributeValues: { ':pk': CATEGORIES_PK, ':zero': 0 },
          Limit: query.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => CategoryItem.parse(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < query.limit);
    return { items, ...(startKey ? { nextCursor: categoriesCursors.encode(scope, startKey) } : {}) };
  }

  #productItem(product: ProductRecord) {
    return {
      ...productKey(product.id),
      kind: 'product',
      ...product,
      // Empty lists and maps are left out (read back as defaults): the local stream mapper cannot decode `{"M":{}}`.
      images: product.images.length > 0 ? product.images : undefined,
      variants: product.variants.map(({ attributes, ...variant }) =>
        Object.keys(attributes).length > 0 ? { ...variant, attributes } : variant,
      ),
      ...(product.status === 'active' ? activeIndexKeys(product) : {}),
    };
  }

  #categoryCount(category: CategoryId, delta: number): TransactItem {
    const set = setExpression({ kind: 'category', id: category }, { name: categoryNameOf(category) });
    return {
      Update: {
        TableName: this.#table,
        Key: categoryKey(category),
        UpdateExpression: `${set.expression} ADD productCount :delta`,
        ExpressionAttributeNames: set.names,
        ExpressionAttributeValues: { ...set.values, ':delta': delta },
      },
    };
  }

  /** Active-product counts follow the product's category and status. */
  #categoryChanges(previous: ProductRecord, next: ProductRecord): TransactItem[] {
    const counted = (p: ProductRecord) => (p.status === 'active' ? p.category : undefined);
    const before = counted(previous);
    const after = counted(next);
    if (before === after) return [];
    return [
      ...(before ? [this.#categoryCount(before, -1)] : []),
      ...(after ? [this.#categoryCount(after, 1)] : []),
    ];
  }

  /**
   * Claims or refreshes a SKU item: its product, names, price, status and version are the product's;
   * its stock is kept (or initialised). The condition keeps a SKU with the product that first claimed
   * it. Carrying `productVersion` lets `lookupSkus` answer from the SKU items alone.
   */
  #skuUpsert(product: ProductRecord, variant: Variant, initialOnHand: number): TransactItem {
    const set = setExpression(
      {
        kind: 'sku',
        sku: variant.sku,
        productId: product.id,
        productName: product.name,
        name: variant.name,
        price: variant.price,
        status: product.status,
        productVersion: product.version,
      },
      { onHand: initialOnHand, reserved: 0, available: initialOnHand },
    );
    return {
      Update: {
        TableName: this.#table,
        Key: skuKey(variant.sku),
        UpdateExpression: set.expression,
        ConditionExpression: 'attribute_not_exists(pk) OR productId = :productId',
        ExpressionAttributeNames: set.names,
        ExpressionAttributeValues: { ...set.values, ':productId': product.id },
      },
    };
  }

  #skuRemoval(product: ProductRecord, sku: Sku): TransactItem {
    return {
      Update: {
        TableName: this.#table,
        Key: skuKey(sku),
        UpdateExpression: 'SET #status = :removed, productVersion = :version',
        ConditionExpression: 'productId = :productId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':removed': 'removed',
          ':version': product.version,
          ':productId': product.id,
        },
      },
    };
  }

  /** Index 0 is always the product; SKU items are identified by their key to report duplicates. */
  async #write(items: TransactItem[], product: ProductRecord, productConflict: () => Error): Promise<void> {
    await retryLostRaces(
      async () => {
        try {
          await this.#ddb.send(new TransactWriteCommand({ TransactItems: items }));
          return;
        } catch (error) {
          const codes = cancellationCodesOf(error);
          if (!codes) throw error;
          if (codes[0] === CONDITION_FAILED) throw productConflict();
          const taken = items.flatMap((item, index) => {
            const pk = item.Update?.Key?.pk;
            return codes[index] === CONDITION_FAILED && typeof pk === 'string' && pk.startsWith('SKU#')
              ? [pk.slice('SKU#'.length)]
              : [];
          });
          if (taken.length > 0) throw new DuplicateSkuError(taken);
          if (codes.includes(TRANSACTION_CONFLICT)) return LOST_RACE;
          throw error;
        }
      },
      {
        maxAttempts: CONFLICT_RETRIES + 1,
        backoff: { initialDelayMs: 10, maxDelayMs: 80 },
        onExhausted: () => new ConcurrentUpdateError(`product ${product.id}`),
      },
    );
  }
}
