import type { Clock } from '@shop/platform/clock';
import type { NotificationsRepository } from '../domain/notifications.repository.port.ts';

/** What the use cases need; the composition root builds it. */
export interface NotificationsDeps {
  readonly entries: NotificationsRepository;
  /** The events' `source`: the service name. */
  readonly source: string;
  readonly clock?: Clock;
  readonly newId?: () => string;
}
