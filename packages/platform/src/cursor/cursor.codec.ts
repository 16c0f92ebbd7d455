import * as z from 'zod';
import { InvalidCursorError } from '../errors/shared.errors.ts';

type Key = Record<string, string>;

const Envelope = z.strictObject({
  v: z.literal(1),
  s: z.string().max(1024),
  k: z.record(z.string(), z.string()),
});

export interface CursorCodecOptions<K extends Key> {
  /** Names the error: `ORDER` gives `ORDER.INVALID_CURSOR`. */
  readonly service: string;
  /** The exact shape of the list's LastEvaluatedKey (string attributes only). */
  readonly key: z.ZodType<K>;
  /** A further check that the key belongs to the list (`scope`), e.g. its index partition. */
  readonly belongs?: (key: K, scope: string) => boolean;
}

export interface CursorCodec<K extends Key> {
  encode(scope: string, lastEvaluatedKey: Record<string, unknown>): string;
  /** @throws InvalidCursorError for anything this codec did not issue for `scope` */
  decode(cursor: string, scope: string): K;
}

/**
 * Opaque list cursors: base64url of the DynamoDB LastEvaluatedKey and the list it belongs to (`scope`,
 * e.g. `CUSTOMER#alice` or `category:apparel`). A cursor is accepted only for the very list that
 * issued it and only in the exact key shape of that list, so one that was edited, truncated or issued
 * elsewhere is a 400, never a 500 or a read of another list.
 *
 * @example
 * const cursors = createCursorCodec({ service: 'ORDER', key: z.strictObject({ pk: z.string(), sk: z.string() }) });
 * const startKey = page.cursor ? cursors.decode(page.cursor, partition) : undefined;
 */
export const createCursorCodec = <K extends Key>(options: CursorCodecOptions<K>): CursorCodec<K> => ({
  encode: (scope, lastEvaluatedKey) => {
    const k: Key = {};
    for (const [name, value] of Object.entries(lastEvaluatedKey))
      if (typeof value === 'string') k[name] = value;
    return Buffer.from(JSON.stringify({ v: 1, s: scope, k }), 'utf8').toString('base64url');
  },
  decode: (cursor, scope) => {
    const invalid = () => new InvalidCursorError(options.service);
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    const envelope = Envelope.safeParse(json);
    if (!envelope.success || envelope.data.s !== scope) throw invalid();
    const key = options.key.safeParse(envelope.data.k);
    if (!key.success || (options.belongs && !options.belongs(key.data, scope))) throw invalid();
    return key.data;
  },
});
