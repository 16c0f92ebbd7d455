export { EVENT_ROUTES_VARIABLE, EventRoutes, parseEventRoutes } from './event-routes.ts';
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
