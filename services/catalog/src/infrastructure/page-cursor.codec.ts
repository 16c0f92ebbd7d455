import * as z from 'zod';
import { InvalidCursorError } from '../domain/catalog.errors.ts';

type Key = Record<string, string>;

const Envelope = z.object({ v: z.literal(1), s: z.string(), k: z.record(z.string(), z.string()) }).strict();

/**
 * Opaque list cursors: base64url of the DynamoDB LastEvaluatedKey and the list it belongs to (`scope`,
 * e.g. `category:apparel`). Decoding checks the scope and the exact key shape of that list, so a cursor
 * that was edited, truncated or issued by another list is a 400, never a 500 or a read elsewhere.
 */
export const encodeCursor = (scope: string, key: Key): string =>
  Buffer.from(JSON.stringify({ v: 1, s: scope, k: key }), 'utf8').toString('base64url');

export const decodeCursor = <K extends z.ZodType<Key>>(
  cursor: string,
  scope: string,
  keySchema: K,
): z.infer<K> => {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success || envelope.data.s !== scope) throw new InvalidCursorError();
  const key = keySchema.safeParse(envelope.data.k);
  if (!key.success) throw new InvalidCursorError();
  return key.data;
};

/** Keeps only string attributes of a LastEvaluatedKey (all of the catalog's keys are strings). */
export const stringKey = (key: Record<string, unknown>): Key => {
  const result: Key = {};
  for (const [name, value] of Object.entries(key)) {
    if (typeof value === 'string') result[name] = value;
  }
  return result;
};
