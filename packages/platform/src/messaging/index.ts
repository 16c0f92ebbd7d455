export {
  type ConsumerIdempotencyOptions,
  createEventConsumer,
  DEFAULT_IDEMPOTENCY_SECONDS,
  type EnvelopeOf,
  type EventConsumerOptions,
  type EventContext,
  type EventHandler,
  IDEMPOTENCY_PK_PREFIX,
  InvalidEventError,
} from './event-consumer.handler.ts';
export { EVENT_ROUTES_VARIABLE, EventRoutes, parseEventRoutes } from './event-routes.ts';
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
export {
  chunkEntries,
  createOutboxRelayHandler,
  MAX_BATCH_BYTES,
  MAX_BATCH_ENTRIES,
  messageEntryOf,
  type OutboxRecordReading,
  type OutboxRelayOptions,
  type OutboxStreamEvent,
  readOutboxRecord,
} from './outbox-relay.handler.ts';
