export {
  type EventDefinition,
  EventEnvelope,
  EventType,
  defineEvent,
  parseEvent,
} from './event-envelope.schema.ts';
