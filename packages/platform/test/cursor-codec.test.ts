import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createCursorCodec } from '../src/cursor/index.ts';
import { InvalidCursorError } from '../src/errors/index.ts';

const codec = createCursorCodec({
  service: 'WIDGET',
  key: z.strictObject({ pk: z.string().startsWith('WIDGET#'), sk: z.string() }),
  belongs: (key, scope) => key.pk === `WIDGET#${scope}`,
});

const invalid = (cursor: string, scope = 'a') => {
  try {
    codec.decode(cursor, scope);
  } catch (error) {
    return error;
  }
  throw new Error('expected the cursor to be refused');
};

describe('cursor codec', () => {
  it('round-trips the string attributes of a last evaluated key for the list that issued it', () => {
    const cursor = codec.encode('a', { pk: 'WIDGET#a', sk: '2', count: 3 });
    expect(codec.decode(cursor, 'a')).toEqual({ pk: 'WIDGET#a', sk: '2' });
  });

  it("refuses another list's cursor, an edited one and garbage with the service's INVALID_CURSOR", () => {
    const cursor = codec.encode('a', { pk: 'WIDGET#a', sk: '2' });
    const foreign = invalid(cursor, 'b');
    expect(foreign).toBeInstanceOf(InvalidCursorError);
    expect((foreign as InvalidCursorError).code).toBe('WIDGET.INVALID_CURSOR');
    const forged = Buffer.from(JSON.stringify({ v: 1, s: 'a', k: { pk: 'WIDGET#b', sk: '1' } })).toString(
      'base64url',
    );
    expect(invalid(forged)).toBeInstanceOf(InvalidCursorError);
    const extra = Buffer.from(
      JSON.stringify({ v: 1, s: 'a', k: { pk: 'WIDGET#a', sk: '1', x: 'y' } }),
    ).toString('base64url');
    expect(invalid(extra)).toBeInstanceOf(InvalidCursorError);
    expect(invalid('not a cursor!')).toBeInstanceOf(InvalidCursorError);
    expect(invalid(cursor.slice(0, 10))).toBeInstanceOf(InvalidCursorError);
  });
});
