import * as z from 'zod';
import type { NotificationsEntry } from '../domain/notifications.entity.ts';

/** The stored entry: a read checks what it got instead of trusting a cast. Keys and `kind` are dropped. */
const EntryItem = z.object({
  id: z.string(),
  authorId: z.string(),
  text: z.string(),
  createdAt: z.string(),
  version: z.number().int().min(1),
});

export const entryOf = (item: Record<string, unknown>): NotificationsEntry => EntryItem.parse(item);
