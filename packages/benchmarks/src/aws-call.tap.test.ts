import { describe, expect, it } from 'vitest';
import { keyPrefixesOf } from './aws-call.tap.ts';
import { breakdown } from './dynamodb-round-trips.bench.ts';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('keyPrefixesOf', () => {
  it('names the partition key prefix of a single-item request', () => {
    expect(
      keyPrefixesOf(body({ TableName: 't', Key: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } } })),
    ).toEqual(['ORDER']);
    expect(keyPrefixesOf(body({ TableName: 't', Item: { pk: { S: 'CART#9' }, qty: { N: '1' } } }))).toEqual([
      'CART',
    ]);
  });

  it('names every distinct prefix of a transaction and of a batch', () => {
    const transaction = {
      TransactItems: [
        { Update: { Key: { pk: { S: 'SKU#A' } } } },
        { Update: { Key: { pk: { S: 'SKU#B' } } } },
        { Put: { Item: { pk: { S: 'RESERVATION#1' } } } },
      ],
    };
    expect(keyPrefixesOf(body(transaction))).toEqual(['SKU', 'RESERVATION']);
    const batch = { RequestItems: { t: { Keys: [{ pk: { S: 'SKU#A' } }, { pk: { S: 'PRODUCT#B' } }] } } };
    expect(keyPrefixesOf(body(batch))).toEqual(['SKU', 'PRODUCT']);
  });

  it('reads a query key from its expression values, and nothing from a body that is not JSON', () => {
    expect(keyPrefixesOf(body({ ExpressionAttributeValues: { ':pk': { S: 'CATEGORIES' } } }))).toEqual([
      'CATEGORIES',
    ]);
    expect(keyPrefixesOf(Buffer.from('not json'))).toEqual([]);
  });
});

describe('breakdown', () => {
  it('counts calls by operation and key prefixes, in first-seen order', () => {
    const call = (target: string, keyPrefixes: string[]) => ({
      caller: 'fn',
      target: `DynamoDB_20120810.${target}`,
      status: 200,
      requestBytes: 0,
      responseBytes: 0,
      replayed: false,
      keyPrefixes,
    });
    expect(
      breakdown([call('GetItem', ['ORDER']), call('PutItem', ['IDEMPOTENCY']), call('GetItem', ['ORDER'])]),
    ).toBe('GetItem(ORDER) 2, PutItem(IDEMPOTENCY) 1');
    expect(breakdown([])).toBe('none');
  });
});
