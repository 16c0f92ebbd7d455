import type { NotificationsEntry } from '../domain/notifications.entity.ts';

/** Key layout of the notifications table (see the README). */
export const entryKey = (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: 'ENTRY' });

/** The item of an entry: its key and `kind`, then the entry itself. */
export const entryItemOf = (entry: NotificationsEntry): Record<string, unknown> => ({
  ...entryKey(entry.id),
  kind: 'entry',
  ...entry,
});
