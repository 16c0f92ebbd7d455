import type { NotificationsEntry as NotificationsEntryDto } from '@shop/contracts/notifications';
import type { NotificationsEntry } from '../domain/notifications.entity.ts';

/** The public shape: `version` stays inside. */
export const entryViewOf = (entry: NotificationsEntry): NotificationsEntryDto => ({
  id: entry.id,
  authorId: entry.authorId,
  text: entry.text,
  createdAt: entry.createdAt,
});
