import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { OUTBOX_PARTITION_HINT_ATTRIBUTE, outboxPut } from '../src/outbox/outbox.ts';
import {
  chunkEntries,
  MAX_BATCH_ENTRIES,
  messageEntryOf,
  readOutboxRecord,
} from '../src/relay/outbox-relay.handler.ts';

const envelope = {
  id: 'evt-1',
  type: 'order.confirmed',
  version: 1,
  source: 'order',
  time: '2026-11-26T10:00:00.000Z',
  correlationId: 'corr-1',
  data: { orderId: 'o-1' },
};

/** The stream record DynamoDB writes for an item, as Lambda delivers it. */
const streamRecord = (
  item: Record<string, unknown>,
  eventName: DynamoDBRecord['eventName'] = 'INSERT',
  sequenceNumber = '100',
): DynamoDBRecord => {
  const image: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) {
    image[name] = typeof value === 'number' ? { N: String(value) } : { S: String(value) };
  }
  const keys: Record<string, AttributeValue> = {};
  if (image.pk) keys.pk = image.pk;
  if (image.sk) keys.sk = image.sk;
  return {
    eventID: `e-${sequenceNumber}`,
    eventName,
    dynamodb: {
      Keys: keys,
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      SequenceNumber: sequenceNumber,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
};

const outboxItem = (options: Parameters<typeof outboxPut>[2] = 'pk') => {
  const item = outboxPut('shop-order', envelope, options).Put?.Item;
  if (!item) throw new Error('outboxPut returned no item');
  return item;
};

describe('readOutboxRecord', () => {
  it('reads the envelope of an outbox INSERT', () => {
    const reading = readOutboxRecord(streamRecord(outboxItem()));
    expect(reading).toEqual({
      kind: 'event',
      event: { sequenceNumber: '100', envelope, body: JSON.stringify(envelope) },
    });
  });

  it('carries the partition hint written by outboxPut', () => {
    const item = outboxItem({ partitionHint: 'o-1' });
    expect(item[OUTBOX_PARTITION_HINT_ATTRIBUTE]).toBe('o-1');
    const reading = readOutboxRecord(streamRecord(item));
    expect(reading.kind === 'event' && reading.event.partitionHint).toBe('o-1');
  });

  it('ignores other items, updates and TTL deletions of outbox items', () => {
    expect(readOutboxRecord(streamRecord({ pk: 'ORDER#o-1', sk: 'ORDER', event: '{}' })).kind).toBe(
      'ignored',
    );
    expect(readOutboxRecord(streamRecord(outboxItem(), 'MODIFY')).kind).toBe('ignored');
    expect(readOutboxRecord(streamRecord(outboxItem(), 'REMOVE')).kind).toBe('ignored');
  });

  it('flags an outbox INSERT whose event is not an envelope', () => {
    const notJson = readOutboxRecord(streamRecord({ pk: 'OUTBOX#1', sk: 'EVENT', event: '{' }));
    expect(notJson).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/not JSON/) });
    const notEnvelope = readOutboxRecord(streamRecord({ pk: 'OUTBOX#1', sk: 'EVENT', event: '{"id":"x"}' }));
    expect(notEnvelope).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/not an event envelope/),
    });
    const keysOnly = readOutboxRecord({
      eventName: 'INSERT',
      dynamodb: { Keys: { pk: { S: 'OUTBOX#1' } }, SequenceNumber: '1' },
    });
    expect(keysOnly).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/KEYS_ONLY/) });
  });
});

describe('messageEntryOf', () => {
  const event = { sequenceNumber: '100', envelope, body: JSON.stringify(envelope) };

  it('sends the envelope with its type and correlation id as message attributes', () => {
    expect(messageEntryOf(event, 'http://127.0.0.1/000000000000/cart-order-confirmed', 'm0')).toEqual({
      Id: 'm0',
      MessageBody: JSON.stringify(envelope),
      MessageAttributes: {
        eventType: { DataType: 'String', StringValue: 'order.confirmed' },
        correlationId: { DataType: 'String', StringValue: 'corr-1' },
      },
    });
  });

  it('groups FIFO messages by partition hint, else by event type, and de-duplicates by event id', () => {
    const fifo = 'http://127.0.0.1/000000000000/ledger.fifo';
    expect(messageEntryOf(event, fifo, 'm0')).toMatchObject({
      MessageGroupId: 'order.confirmed',
      MessageDeduplicationId: 'evt-1',
    });
    expect(messageEntryOf({ ...event, partitionHint: 'o-1' }, fifo, 'm0')).toMatchObject({
      MessageGroupId: 'o-1',
    });
  });
});

describe('chunkEntries', () => {
  const entry = (id: number, bodyBytes = 10) => ({
    id,
    entry: { Id: `m${id}`, MessageBody: 'x'.repeat(bodyBytes) },
  });

  it('splits in order into batches of at most 10', () => {
    const chunks = chunkEntries(Array.from({ length: 23 }, (_, i) => entry(i)));
    expect(chunks.map((c) => c.length)).toEqual([MAX_BATCH_ENTRIES, MAX_BATCH_ENTRIES, 3]);
    expect(chunks.flat().map((e) => e.id)).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('starts a new batch before 256 KiB', () => {
    const chunks = chunkEntries([entry(0, 100_000), entry(1, 100_000), entry(2, 100_000)]);
    expect(chunks.map((c) => c.map((e) => e.id))).toEqual([[0, 1], [2]]);
  });
});
