import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InvalidCursorError } from '../domain/catalog.errors.ts';
import { decodeCursor, encodeCursor } from './page-cursor.codec.ts';

const Key = z.object({ pk: z.string().startsWith('PRODUCT#'), sk: z.literal('PRODUCT') }).strict();

describe('page cursors', () => {
  it('round-trips a key within its list', () => {
    const cursor = encodeCursor('products:all', { pk: 'PRODUCT#p1', sk: 'PRODUCT' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'products:all', Key)).toEqual({ pk: 'PRODUCT#p1', sk: 'PRODUCT' });
  });

  it.each([
    ['another list', encodeCursor('categories', { pk: 'PRODUCT#p1', sk: 'PRODUCT' })],
    ['a key of another shape', encodeCursor('products:all', { pk: 'RESERVATION#o1', sk: 'RESERVATION' })],
    ['an extra key attribute', encodeCursor('products:all', { pk: 'PRODUCT#p1', sk: 'PRODUCT', x: 'y' })],
    ['non-base64url text', 'a+b/c='],
    ['base64url of non-JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of another shape', Buffer.from('{"v":2,"s":"products:all","k":{}}').toString('base64url')],
  ])('refuses a cursor from %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, 'products:all', Key)).toThrow(InvalidCursorError);
  });
});
