import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InventoryRecord, Sku } from '@shop/contracts/catalog';
import { OnHandBelowReservedError, SkuNotFoundError } from '../domain/catalog.errors.ts';
import type { InventoryRepository } from '../domain/catalog.repository.port.ts';
import type { SkuStock } from '../domain/stock.entity.ts';
import { skuKey } from './catalog-table.keys.ts';
import { batchGetSkuItems } from './sku-items.batch-get.ts';
import { skuStockOf } from './stored-item.schemas.ts';

export class DynamoDbInventoryRepository implements InventoryRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async availability(skus: readonly Sku[]): Promise<Map<Sku, number>> {
    if (skus.length === 0) return new Map();
    const items = await batchGetSkuItems(this.#ddb, this.#table, skus, { attributes: ['sku', 'available'] });
    const result = new Map<Sku, number>();
    for (const item of items) {
      if (typeof item.sku === 'string' && typeof item.available === 'number')
        result.set(item.sku, item.available);
    }
    return result;
  }

  async get(sku: Sku): Promise<SkuStock | undefined> {
    const { Item } = await this.#ddb.send(new GetCommand({ TableName: this.#table, Key: skuKey(sku) }));
    return Item ? skuStockOf(Item) : undefined;
  }

  async setOnHand(sku: Sku, onHand: number): Promise<InventoryRecord> {
    try {
      const { Attributes } = await this.#ddb.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: skuKey(sku),
          // `available` is kept equal to onHand - reserved in the same atomic write.
          UpdateExpression: 'SET onHand = :onHand, available = :onHand - reserved',
          ConditionExpression: 'attribute_exists(pk) AND reserved <= :onHand',
          ExpressionAttributeValues: { ':onHand': onHand },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const stock = skuStockOf(Attributes ?? {});
      return { sku, onHand: stock.onHand, reserved: stock.reserved, available: stock.available };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const reserved = error.Item?.reserved?.N;
      if (reserved === undefined) throw new SkuNotFoundError(sku);
      throw new OnHandBelowReservedError(sku, Number(reserved));
    }
  }
}
