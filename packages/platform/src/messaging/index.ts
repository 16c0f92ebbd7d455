export {
  createEvent,
  type EventOrigin,
  OUTBOX_PK_PREFIX,
  OUTBOX_SK,
  OUTBOX_TTL_ATTRIBUTE,
  OUTBOX_TTL_SECONDS,
  outboxPut,
} from './outbox.ts';
