export {
  CreateNotificationsEntryRequest,
  GET_NOTIFICATIONS_ENTRY_FUNCTION,
  GetNotificationsEntry,
  NotificationsEntry,
  NotificationsEntryCreated,
  NotificationsEntryId,
} from './notifications.schemas.ts';
