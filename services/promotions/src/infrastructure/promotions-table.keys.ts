import type { PromotionsEntry } from '../domain/promotions.entity.ts';

/** Key layout of the promotions table (see the README). */
export const entryKey = (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: 'ENTRY' });

/** The item of an entry: its key and `kind`, then the entry itself. */
export const entryItemOf = (entry: PromotionsEntry): Record<string, unknown> => ({
  ...entryKey(entry.id),
  kind: 'entry',
  ...entry,
});
