import * as z from 'zod';

/** `<service>.<what-happened>` in kebab-case, e.g. `order.confirmed`, `catalog.product-changed`. */
export const EventType = z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);

/**
 * The envelope every event travels in, whatever its payload. `id` is unique per event and is what
 * consumers de-duplicate on; `correlationId` follows one shopper action across HTTP, saga and queues.
 */
export const EventEnvelope = z.object({
  id: z.string().min(1).max(128),
  type: EventType,
  version: z.number().int().min(1),
  source: z.string().min(1),
  time: z.iso.datetime(),
  correlationId: z.string().min(1).max(128),
  data: z.unknown(),
});
export type EventEnvelope<TData = unknown> = Omit<z.infer<typeof EventEnvelope>, 'data'> & { data: TData };

/** A typed event: its type name and version, and the schema of its `data`. */
export interface EventDefinition<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly version: number;
  readonly data: z.ZodType<TData>;
}

/**
 * Declares an event contract once, for the producer and every consumer.
 * @example export const OrderConfirmed = defineEvent('order.confirmed', 1, z.object({ orderId: z.string() }));
 */
export const defineEvent = <TType extends string, TData>(
  type: TType,
  version: number,
  data: z.ZodType<TData>,
): EventDefinition<TType, TData> => {
  EventType.parse(type);
  return { type, version, data };
};

/** Validates an envelope and its payload against an event definition. */
export const parseEvent = <TData>(
  definition: EventDefinition<string, TData>,
  input: unknown,
): EventEnvelope<TData> => {
  const envelope = EventEnvelope.parse(input);
  if (envelope.type !== definition.type) {
    throw new Error(`expected event type ${definition.type}, got ${envelope.type}`);
  }
  return { ...envelope, data: definition.data.parse(envelope.data) };
};
