import * as z from 'zod';
import { InvalidCursorError } from '../domain/order.errors.ts';

/** The last key of a GSI page: the table key and the index key, all strings. */
const IndexKey = z.strictObject({
  pk: z.string().max(256),
  sk: z.string().max(256),
  partition: z.string().max(512),
  sort: z.string().max(512),
});

/**
 * Opaque page cursors: base64url of the last key. A cursor is accepted only for the very list that
 * issued it (same index partition) and only in the exact shape it was issued in; anything else is a
 * 400, never a 500 or a read of another list.
 */
export const createCursorCodec = (index: { readonly pk: string; readonly sk: string }) => ({
  encode: (key: Record<string, unknown>): string =>
    Buffer.from(
      JSON.stringify({ pk: key.pk, sk: key.sk, partition: key[index.pk], sort: key[index.sk] }),
      'utf8',
    ).toString('base64url'),

  decode: (cursor: string, partition: string): Record<string, string> => {
    let key: z.infer<typeof IndexKey>;
    try {
      key = IndexKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    } catch {
      throw new InvalidCursorError();
    }
    if (key.partition !== partition || !key.pk.startsWith('ORDER#') || key.sk !== 'ORDER') {
      throw new InvalidCursorError();
    }
    return { pk: key.pk, sk: key.sk, [index.pk]: key.partition, [index.sk]: key.sort };
  },
});
