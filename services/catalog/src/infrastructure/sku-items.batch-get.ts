import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Sku } from '@shop/contracts/catalog';
import { skuKey } from './catalog-table.keys.ts';

const BATCH_GET_LIMIT = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const chunks = <T>(values: readonly T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < values.length; i += size) result.push(values.slice(i, i + size));
  return result;
};

/**
 * Reads SKU items by key, 100 per BatchGet (in parallel), retrying unprocessed keys with backoff.
 * Only the named attributes are read.
 */
export const batchGetSkuItems = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  skus: readonly Sku[],
  options: { consistent?: boolean; attributes?: readonly string[] } = {},
): Promise<Record<string, unknown>[]> => {
  const unique = [...new Set(skus)];
  const projection = options.attributes
    ? {
        ProjectionExpression: options.attributes.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(options.attributes.map((name, i) => [`#p${i}`, name])),
      }
    : {};
  const pages = await Promise.all(
    chunks(unique, BATCH_GET_LIMIT).map(async (chunk) => {
      const found: Record<string, unknown>[] = [];
      let keys: Record<string, unknown>[] = chunk.map(skuKey);
      for (let attempt = 0; keys.length > 0; attempt += 1) {
        if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt) * Math.random());
        const result = await ddb.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: { Keys: keys, ConsistentRead: options.consistent ?? false, ...projection },
            },
          }),
        );
        found.push(...(result.Responses?.[table] ?? []));
        keys = result.UnprocessedKeys?.[table]?.Keys ?? [];
      }
      return found;
    }),
  );
  return pages.flat();
};
