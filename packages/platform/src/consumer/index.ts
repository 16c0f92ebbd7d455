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
