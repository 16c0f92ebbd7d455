import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ProductChangedData } from '@shop/contracts/catalog';
import type { ProductReplica, ReplicaApplyResult } from '../domain/product-replica.port.ts';
import type { SkuSnapshot } from '../domain/sku-snapshot.ts';
import { productSkuSortKey, productSkusPartition, SKU_SK, skuKey, skuOfSortKey } from './cart-table.keys.ts';
import { snapshotOfReplicaItem } from './stored-item.schemas.ts';

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_LIMIT = 100;
const MAX_UNPROCESSED_ROUNDS = 5;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * The cart's copy of the catalog's SKUs, one item per SKU. Every write is conditional on the
 * product's version, so an older state (a reordered or redelivered event, a slow lookup) never
 * replaces a newer one.
 */
export class DynamoDbProductReplica implements ProductReplica {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: () => Date;

  constructor(ddb: DynamoDBDocumentClient, tableName: string, clock: () => Date = () => new Date()) {
    this.#ddb = ddb;
    this.#table = tableName;
    this.#clock = clock;
  }

  async getMany(skus: readonly string[]): Promise<Map<string, SkuSnapshot>> {
    const found = new Map<string, SkuSnapshot>();
    for (const chunk of chunks([...new Set(skus)], BATCH_GET_LIMIT)) {
      let keys: Record<string, unknown>[] = chunk.map(skuKey);
      for (let round = 0; keys.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('the replica read was throttled; retry');
        const { Responses, UnprocessedKeys } = await this.#ddb.send(
          new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: keys } } }),
        );
        for (const item of Responses?.[this.#table] ?? []) {
          const snapshot = snapshotOfReplicaItem(item);
          found.set(snapshot.sku, snapshot);
        }
        keys = UnprocessedKeys?.[this.#table]?.Keys ?? [];
      }
    }
    return found;
  }

  /** Puts a snapshot unless the replica holds its version or a newer one; true when written. */
  async #put(snapshot: SkuSnapshot, source: 'event' | 'lookup'): Promise<boolean> {
    try {
      await this.#ddb.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...skuKey(snapshot.sku),
            kind: 'sku',
            ...snapshot,
            source,
            replicatedAt: this.#clock().toISOString(),
            gsi1pk: productSkusPartition(snapshot.productId),
            gsi1sk: productSkuSortKey(snapshot.sku),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
          ExpressionAttributeValues: { ':version': snapshot.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async save(snapshots: readonly SkuSnapshot[]): Promise<void> {
    await Promise.all(snapshots.map((snapshot) => this.#put(snapshot, 'lookup')));
  }

  async #knownSkusOf(productId: string): Promise<string[]> {
    const skus: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#ddb.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :product',
          ExpressionAttributeValues: { ':product': productSkusPartition(productId) },
          // The index is KEYS_ONLY: the SKU is read back from its sort key.
          ProjectionExpression: 'gsi1sk',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const sku = skuOfSortKey(item.gsi1sk);
        if (sku) skus.push(sku);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return skus;
  }

  /** Marks a SKU the product no longer lists as not sold, unless the replica is already newer. */
  async #unlist(sku: string, version: number): Promise<boolean> {
    try {
      await this.#ddb.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: skuKey(sku),
          UpdateExpression: 'SET sold = :false, version = :version, replicatedAt = :now',
          ConditionExpression: 'sk = :sk AND version < :version',
          ExpressionAttributeValues: {
            ':false': false,
            ':version': version,
            ':now': this.#clock().toISOString(),
            ':sk': SKU_SK,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async applyProductChange(change: ProductChangedData): Promise<ReplicaApplyResult> {
    const listed = new Set(change.variants.map((variant) => variant.sku));
    const known = await this.#knownSkusOf(change.productId);
    const outcomes = await Promise.all([
      ...change.variants.map((variant) =>
        this.#put(
          {
            sku: variant.sku,
            productId: change.productId,
            productName: change.name,
            variantName: variant.name,
            price: variant.price,
            status: change.status,
            sold: true,
            version: change.version,
          },
          'event',
        ),
      ),
      ...known.filter((sku) => !listed.has(sku)).map((sku) => this.#unlist(sku, change.version)),
    ]);
    const applied = outcomes.filter(Boolean).length;
    return { applied, stale: outcomes.length - applied };
  }
}
