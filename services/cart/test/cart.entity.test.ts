import { describe, expect, it } from 'vitest';
import { isExpired, mergeLines, type StoredLine } from '../src/domain/cart.entity.ts';

const line = (sku: string, quantity: number, addedAt = '2026-01-01T00:00:00.000Z'): StoredLine => ({
  sku,
  quantity,
  addedAt,
});

describe('mergeLines', () => {
  it('adds the quantities of a SKU in both carts and caps them at 99', () => {
    expect(mergeLines([line('AAA', 2), line('BBB', 90)], [line('AAA', 3), line('BBB', 20)])).toEqual([
      line('AAA', 5),
      line('BBB', 99),
    ]);
  });

  it('keeps a guest-only line as it was, ordered by when it was added', () => {
    const merged = mergeLines(
      [line('OLD', 1, '2026-01-02T00:00:00.000Z')],
      [line('NEW', 4, '2026-01-03T00:00:00.000Z'), line('EARLY', 1, '2026-01-01T00:00:00.000Z')],
    );
    expect(merged.map((l) => [l.sku, l.quantity])).toEqual([
      ['EARLY', 1],
      ['OLD', 1],
      ['NEW', 4],
    ]);
  });

  it('keeps where the target cart line was in the list', () => {
    const merged = mergeLines(
      [line('AAA', 1, '2026-01-05T00:00:00.000Z')],
      [line('AAA', 1, '2026-01-01T00:00:00.000Z')],
    );
    expect(merged).toEqual([line('AAA', 2, '2026-01-05T00:00:00.000Z')]);
  });
});

describe('isExpired', () => {
  it('says a guest cart is gone from its expiresAt on, and a customer cart never is', () => {
    const now = new Date('2026-01-01T00:00:10.000Z');
    const epoch = now.getTime() / 1000;
    expect(isExpired({ expiresAt: epoch }, now)).toBe(true);
    expect(isExpired({ expiresAt: epoch + 1 }, now)).toBe(false);
    expect(isExpired({}, now)).toBe(false);
  });
});
