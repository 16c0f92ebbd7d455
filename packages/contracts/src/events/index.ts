export {
  defineEvent,
  type EventDefinition,
  EventEnvelope,
  EventType,
  parseEvent,
} from './event-envelope.schema.ts';
