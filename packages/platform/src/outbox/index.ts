export {
  createEvent,
  type EventOrigin,
  OUTBOX_PARTITION_HINT_ATTRIBUTE,
  OUTBOX_PK_PREFIX,
  OUTBOX_SK,
  OUTBOX_TTL_ATTRIBUTE,
  OUTBOX_TTL_SECONDS,
  type OutboxPutOptions,
  outboxPut,
} from './outbox.ts';
