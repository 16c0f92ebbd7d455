import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { EventDefinition, EventEnvelope } from '@shop/contracts';

/** Outbox items live in the service's own table under this partition key prefix. */
export const OUTBOX_PK_PREFIX = 'OUTBOX#';
export const OUTBOX_SK = 'EVENT';
/** The relay only needs the stream's INSERT; the item itself expires a day later (TTL attribute). */
export const OUTBOX_TTL_SECONDS = 24 * 60 * 60;
export const OUTBOX_TTL_ATTRIBUTE = 'expiresAt';

export interface EventOrigin {
  /** The publishing service. */
  readonly source: string;
  /** Carried from the request, message or saga that caused the event. */
  readonly correlationId: string;
}

/** A new envelope for an event, validated against its definition. */
export const createEvent = <TType extends string, TData>(
  definition: EventDefinition<TType, TData>,
  data: TData,
  origin: EventOrigin,
  now: Date = new Date(),
): EventEnvelope<TData> & { type: TType } => ({
  id: crypto.randomUUID(),
  type: definition.type,
  version: definition.version,
  source: origin.source,
  time: now.toISOString(),
  correlationId: origin.correlationId,
  data: definition.data.parse(data),
});

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The outbox half of a transactional write: put this item in the same `TransactWriteItems` as the
 * change it announces, and the event is published if and only if the change is committed.
 *
 * @example
 * await ddb.send(new TransactWriteCommand({ TransactItems: [{ Put: productPut }, outboxPut(table, event)] }));
 */
export const outboxPut = (
  tableName: string,
  event: EventEnvelope,
  partitionKey = 'pk',
  sortKey = 'sk',
): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: {
      [partitionKey]: `${OUTBOX_PK_PREFIX}${event.id}`,
      [sortKey]: OUTBOX_SK,
      kind: 'outbox',
      event: JSON.stringify(event),
      eventType: event.type,
      [OUTBOX_TTL_ATTRIBUTE]: Math.floor(Date.parse(event.time) / 1000) + OUTBOX_TTL_SECONDS,
    },
    ConditionExpression: `attribute_not_exists(${partitionKey})`,
  },
});
