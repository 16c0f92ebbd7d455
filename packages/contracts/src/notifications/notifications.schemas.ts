import * as z from 'zod';
import { defineEvent } from '../events/event-envelope.schema.ts';
import { defineInternalFunction } from '../internal/internal-function.ts';

export const NotificationsEntryId = z.string().min(1).max(64);

/** `POST /notifications`: what a signed-in customer sends. */
export const CreateNotificationsEntryRequest = z
  .object({ text: z.string().trim().min(1).max(500) })
  .meta({ id: 'CreateNotificationsEntryRequest' });
export type CreateNotificationsEntryRequest = z.infer<typeof CreateNotificationsEntryRequest>;

/** An entry as clients see it. */
export const NotificationsEntry = z
  .object({ id: NotificationsEntryId, authorId: z.string(), text: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: 'NotificationsEntry' });
export type NotificationsEntry = z.infer<typeof NotificationsEntry>;

/** Published through the outbox when an entry is created. */
export const NotificationsEntryCreated = defineEvent(
  'notifications.entry-created',
  1,
  z.object({ entryId: NotificationsEntryId, authorId: z.string() }),
);

/** The function reference other services list in `invokes`. */
export const GET_NOTIFICATIONS_ENTRY_FUNCTION = 'notifications.getEntry';

/** The internal `getEntry` function (Lambda Invoke, never public): one entry, or null. */
export const GetNotificationsEntry = defineInternalFunction({
  ref: GET_NOTIFICATIONS_ENTRY_FUNCTION,
  input: z.object({ entryId: NotificationsEntryId }),
  output: z.object({ entry: NotificationsEntry.nullable() }),
});
