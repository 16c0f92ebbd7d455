import type { EventEnvelope } from '@shop/contracts';
import type { NotificationsEntry } from './notifications.entity.ts';

export interface NotificationsRepository {
  get(entryId: string): Promise<NotificationsEntry | undefined>;
  /** Creates the entry and puts the events in the outbox, in one transaction; false when it exists. */
  create(entry: NotificationsEntry, events: readonly EventEnvelope[]): Promise<boolean>;
}
