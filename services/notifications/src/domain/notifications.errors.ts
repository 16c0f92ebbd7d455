import { ConflictError } from '@shop/platform/errors';

/** An entry with this id exists already (ids are random: a retry of the same request). */
export class NotificationsEntryExistsError extends ConflictError {
  override readonly code = 'NOTIFICATIONS.ENTRY_EXISTS';

  constructor(entryId: string) {
    super(`entry ${entryId} exists already`);
  }
}
