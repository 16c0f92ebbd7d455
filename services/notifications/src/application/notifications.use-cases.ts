import { NotificationsEntryCreated } from '@shop/contracts/notifications';
import { nowOf } from '@shop/platform/clock';
import { createEvent } from '@shop/platform/outbox';
import { type NotificationsEntry, newEntry } from '../domain/notifications.entity.ts';
import { NotificationsEntryExistsError } from '../domain/notifications.errors.ts';
import type { NotificationsDeps } from './notifications.deps.ts';

/** Creates an entry and announces it (`notifications.entry-created`) in the same transaction. */
export const createEntry = async (
  deps: NotificationsDeps,
  command: { readonly authorId: string; readonly text: string; readonly correlationId: string },
): Promise<NotificationsEntry> => {
  const now = nowOf(deps);
  const entry = newEntry(deps.newId?.() ?? crypto.randomUUID(), command.authorId, command.text, now);
  const event = createEvent(
    NotificationsEntryCreated,
    { entryId: entry.id, authorId: entry.authorId },
    { source: deps.source, correlationId: command.correlationId },
    now,
  );
  if (!(await deps.entries.create(entry, [event]))) throw new NotificationsEntryExistsError(entry.id);
  return entry;
};

/** One entry, or undefined. */
export const getEntry = (deps: NotificationsDeps, entryId: string) => deps.entries.get(entryId);
