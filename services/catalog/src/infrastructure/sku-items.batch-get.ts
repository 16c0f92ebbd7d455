import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CATALOG_TASK_ERRORS, type Sku } from '@shop/contracts/catalog';
import { skuKey } from './catalog-table.keys.ts';

/** Most keys one BatchGetItem accepts. */
export const BATCH_GET_LIMIT = 100;
/** Rounds per chunk (the first read plus retries of `UnprocessedKeys`) before giving up. */
export const BATCH_GET_ATTEMPTS = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const chunks = <T>(values: readonly T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < values.length; i += size) result.push(values.slice(i, i + size));
  return result;
};

/**
 * DynamoDB kept returning `UnprocessedKeys` (throttling) through every retry. Named like the tasks'
 * transient failure so a saga or an invoking service retries it later.
 */
export class UnprocessedKeysError extends Error {
  constructor(remaining: number) {
    super(`DynamoDB left ${remaining} keys unprocessed after ${BATCH_GET_ATTEMPTS} BatchGetItem rounds`);
    this.name = CATALOG_TASK_ERRORS.transient;
  }
}

export interface BatchGetOptions {
  readonly consistent?: boolean;
  /** Read only these attributes (aliased, so reserved words such as `name` are fine). */
  readonly attributes?: readonly string[];
}

/**
 * Reads items by key: one BatchGetItem per 100 keys (chunks in parallel), retrying `UnprocessedKeys`
 * with jittered backoff a bounded number of times (`UnprocessedKeysError` after that). Keys must be
 * distinct. Items come back in no particular order.
 */
export const batchGetItems = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> => {
  const projection = options.attributes
    ? {
        ProjectionExpression: options.attributes.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(options.attributes.map((name, i) => [`#p${i}`, name])),
      }
    : {};
  const pages = await Promise.all(
    chunks(keys, BATCH_GET_LIMIT).map(async (chunk) => {
      const found: Record<string, unknown>[] = [];
      let pending: Record<string, unknown>[] = chunk;
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_GET_ATTEMPTS) throw new UnprocessedKeysError(pending.length);
        if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt) * Math.random());
        const result = await ddb.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: { Keys: pending, ConsistentRead: options.consistent ?? false, ...projection },
            },
          }),
        );
        found.push(...(result.Responses?.[table] ?? []));
        pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
      }
      return found;
    }),
  );
  return pages.flat();
};

/** Reads SKU items (duplicates read once), 100 per BatchGetItem; see `batchGetItems`. */
export const batchGetSkuItems = (
  ddb: DynamoDBDocumentClient,
  table: string,
  skus: readonly Sku[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> => batchGetItems(ddb, table, [...new Set(skus)].map(skuKey), options);
