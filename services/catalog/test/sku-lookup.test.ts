import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LOOKUP_SKUS_ERRORS, LookupSkusOutput } from '@shop/contracts/catalog';
import { TEST_CREDENTIALS, TEST_REGION } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setOnHand } from '../src/application/inventory.use-cases.ts';
import { archiveProduct, createProduct, updateProduct } from '../src/application/product.use-cases.ts';
import { createLookupSkusFunction } from '../src/application/sku-lookup.use-case.ts';
import { releaseStock, reserveStock } from '../src/application/stock-reservation.use-cases.ts';
import { skuKey } from '../src/infrastructure/catalog-table.keys.ts';
import { DynamoDbSkuDirectory } from '../src/infrastructure/dynamodb-sku-directory.repository.ts';
import { BATCH_GET_ATTEMPTS } from '../src/infrastructure/sku-items.batch-get.ts';
import { type CatalogTestDb, productInput, startCatalogDb, uniqueSku } from './catalog-test.fixture.ts';

let t: CatalogTestDb;
let client: DynamoDBClient;
/** Commands the lookup's client sent, by name (`BatchGetItemCommand`, ...). */
let sent: string[] = [];
/** When set, each BatchGetItem sends only `serve` keys and reports the rest as unprocessed (throttling). */
let throttle: { serve: number } | undefined;
let lookup: (input: unknown) => Promise<LookupSkusOutput>;
const origin = { correlationId: 'test' };

type BatchGetInput = { RequestItems?: Record<string, { Keys?: unknown[] }> };
type BatchGetOutput = { UnprocessedKeys?: Record<string, { Keys?: unknown[] }> };

beforeAll(async () => {
  t = await startCatalogDb();
  client = new DynamoDBClient({
    endpoint: t.db.endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      const input = args.input as BatchGetInput;
      const request = input.RequestItems?.[t.tableName];
      if (!throttle || context.commandName !== 'BatchGetItemCommand' || !request?.Keys) return next(args);
      // DynamoDB Local never throttles: serve part of the keys and hand the rest back, as AWS does.
      const keys = request.Keys;
      const served = keys.slice(0, throttle.serve);
      if (served.length === 0) {
        // DynamoDB refuses an empty key list: answer as a fully throttled round would.
        const output = { $metadata: {}, Responses: {}, UnprocessedKeys: { [t.tableName]: request } };
        return { output: output as Awaited<ReturnType<typeof next>>['output'], response: {} };
      }
      const result = await next({
        ...args,
        input: { ...input, RequestItems: { [t.tableName]: { ...request, Keys: served } } },
      });
      const rest = keys.slice(throttle.serve);
      const output = result.output as BatchGetOutput;
      if (rest.length > 0) output.UnprocessedKeys = { [t.tableName]: { ...request, Keys: rest } };
      return result;
    },
    { step: 'initialize', name: 'countAndThrottle' },
  );
  const ddb = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  lookup = createLookupSkusFunction({ skus: new DynamoDbSkuDirectory(ddb, t.tableName) });
});
afterAll(async () => {
  client.destroy();
  await t.db.stop();
});
beforeEach(() => {
  sent = [];
  throttle = undefined;
});

const batchGets = () => sent.filter((name) => name === 'BatchGetItemCommand').length;

describe('lookupSkus', () => {
  it('describes known SKUs in the order asked and lists unknown ones as missing', async () => {
    const [a = '', b = ''] = [uniqueSku('LKP'), uniqueSku('LKP')];
    const product = await createProduct(t.deps, productInput({ name: 'Lookup Tee' }, [a, b]), origin);
    const output = await lookup({ skus: [b, 'NO-SUCH-SKU', a, b] });
    expect(LookupSkusOutput.parse(output)).toEqual(output);
    expect(output).toEqual({
      items: [
        {
          sku: b,
          productId: product.id,
          productName: 'Lookup Tee',
          variantName: 'Variant 2',
          price: { amount: 2000, currency: 'USD' },
          status: 'active',
          version: 1,
          available: 0,
        },
        {
          sku: a,
          productId: product.id,
          productName: 'Lookup Tee',
          variantName: 'Variant 1',
          price: { amount: 1900, currency: 'USD' },
          status: 'active',
          version: 1,
          available: 0,
        },
      ],
      missing: ['NO-SUCH-SKU'],
    });
  });

  it('reports the units available now (onHand - reserved) in the same single BatchGetItem', async () => {
    const [stocked = '', empty = ''] = [uniqueSku('LKP'), uniqueSku('LKP')];
    await createProduct(t.deps, productInput({ name: 'Stocked' }, [stocked, empty]), origin);
    await setOnHand(t.deps, stocked, 10);
    const orderId = `ord-lookup-${stocked}`;
    await reserveStock(t.deps, { orderId, lines: [{ sku: stocked, quantity: 3 }] });

    sent = [];
    const reserved = await lookup({ skus: [stocked, empty] });
    expect(reserved.items.map(({ sku, available }) => ({ sku, available }))).toEqual([
      { sku: stocked, available: 7 },
      { sku: empty, available: 0 },
    ]);
    expect(sent).toEqual(['BatchGetItemCommand']);

    await releaseStock(t.deps, orderId);
    await setOnHand(t.deps, empty, 4);
    const released = await lookup({ skus: [stocked, empty] });
    expect(released.items.map((item) => item.available)).toEqual([10, 4]);
  });

  it('follows product changes: new name, price and version', async () => {
    const sku = uniqueSku('LKP');
    const product = await createProduct(t.deps, productInput({ name: 'Before' }, [sku]), origin);
    await updateProduct(
      t.deps,
      product.id,
      {
        name: 'After',
        variants: [{ sku, name: 'Only', attributes: {}, price: { amount: 2500, currency: 'USD' } }],
      },
      origin,
    );
    const { items } = await lookup({ skus: [sku] });
    expect(items).toEqual([
      expect.objectContaining({
        productName: 'After',
        variantName: 'Only',
        price: { amount: 2500, currency: 'USD' },
        version: 2,
        status: 'active',
      }),
    ]);
  });

  it('reports the SKUs of an archived product and a dropped variant as archived, not missing', async () => {
    const [kept = '', dropped = '', archived = ''] = [uniqueSku('LKP'), uniqueSku('LKP'), uniqueSku('LKP')];
    const trimmed = await createProduct(t.deps, productInput({}, [kept, dropped]), origin);
    await updateProduct(
      t.deps,
      trimmed.id,
      { variants: [{ sku: kept, name: 'Kept', attributes: {}, price: { amount: 100, currency: 'USD' } }] },
      origin,
    );
    const gone = await createProduct(t.deps, productInput({ name: 'Gone' }, [archived]), origin);
    await archiveProduct(t.deps, gone.id, origin);

    const output = await lookup({ skus: [kept, dropped, archived] });
    expect(output.missing).toEqual([]);
    expect(output.items.map(({ sku, status, version }) => ({ sku, status, version }))).toEqual([
      { sku: kept, status: 'active', version: 2 },
      { sku: dropped, status: 'archived', version: 2 },
      { sku: archived, status: 'archived', version: 2 },
    ]);
  });

  it('reads 100 SKUs, known and unknown, in one BatchGetItem round trip', async () => {
    const known = Array.from({ length: 80 }, () => uniqueSku('BULK'));
    await createProduct(t.deps, productInput({ name: 'Bulk A' }, known.slice(0, 40)), origin);
    await createProduct(t.deps, productInput({ name: 'Bulk B' }, known.slice(40)), origin);
    const unknown = Array.from({ length: 20 }, (_, i) => `UNKNOWN-${i}`);
    sent = [];
    const output = await lookup({ skus: [...known, ...unknown] });
    expect(sent).toEqual(['BatchGetItemCommand']);
    expect(output.items.map((item) => item.sku)).toEqual(known);
    expect(output.missing).toEqual(unknown);
  });

  it('reads the product version of SKU items written before they carried it', async () => {
    const sku = uniqueSku('OLD');
    const product = await createProduct(t.deps, productInput({ name: 'Legacy' }, [sku]), origin);
    await updateProduct(t.deps, product.id, { name: 'Legacy 2' }, origin);
    await t.db.documentClient.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: skuKey(sku),
        UpdateExpression: 'REMOVE productVersion',
      }),
    );
    sent = [];
    const { items } = await lookup({ skus: [sku] });
    expect(items).toEqual([expect.objectContaining({ sku, productName: 'Legacy 2', version: 2 })]);
    expect(batchGets()).toBe(2);
  });

  it('retries the keys DynamoDB left unprocessed', async () => {
    const skus = Array.from({ length: 5 }, () => uniqueSku('THR'));
    await createProduct(t.deps, productInput({}, skus), origin);
    throttle = { serve: 2 };
    const output = await lookup({ skus });
    expect(output.items.map((item) => item.sku)).toEqual(skus);
    expect(output.missing).toEqual([]);
    expect(batchGets()).toBe(3);
  });

  it('gives up with a TransientError when DynamoDB keeps every key unprocessed', async () => {
    const sku = uniqueSku('THR');
    await createProduct(t.deps, productInput({}, [sku]), origin);
    throttle = { serve: 0 };
    await expect(lookup({ skus: [sku] })).rejects.toMatchObject({ name: LOOKUP_SKUS_ERRORS.transient });
    expect(batchGets()).toBe(BATCH_GET_ATTEMPTS);
  });

  it.each([
    ['no SKUs', { skus: [] }],
    ['a malformed SKU', { skus: ['lower-case'] }],
    ['more than 100 SKUs', { skus: Array.from({ length: 101 }, (_, i) => `SKU-${i}`) }],
    ['no object', 'TEE-1'],
  ])('refuses %s with an InvalidInput error, reading nothing', async (_, input) => {
    await expect(lookup(input)).rejects.toMatchObject({ name: LOOKUP_SKUS_ERRORS.invalidInput });
    expect(sent).toEqual([]);
  });
});
