import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { EventDefinition, EventEnvelope } from '@shop/contracts';

/** Outbox items live in the service's own table under this partition key prefix. */
export const OUTBOX_PK_PREFIX = 'OUTBOX#';
export const OUTBOX_SK = 'EVENT';
/** The relay only needs the stream's INSERT; the item itself expires a day later (TTL attribute). */
export const OUTBOX_TTL_SECONDS = 24 * 60 * 60;
export const OUTBOX_TTL_ATTRIBUTE = 'expiresAt';
/** Optional outbox item attribute: the FIFO message group of the event (its aggregate id, say). */
export const OUTBOX_PARTITION_HINT_ATTRIBUTE = 'partitionHint';

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

export interface OutboxPutOptions {
  /** The table's partition key attribute; `pk` by default. */
  readonly partitionKey?: string;
  /** The table's sort key attribute; `sk` by default. */
  readonly sortKey?: string;
  /**
   * Orders events that share it (e.g. an order id): the relay uses it as the `MessageGroupId` of
   * FIFO subscriber queues, which otherwise get one group per event type.
   */
  readonly partitionHint?: string;
}

/**
 * The outbox half of a transactional write: put this item in the same `TransactWriteItems` as the
 * change it announces, and the event is published if and only if the change is committed.
 *
 * @example
 * await ddb.send(new TransactWriteCommand({ TransactItems: [{ Put: productPut }, outboxPut(table, event)] }));
 * outboxPut(table, event, { partitionHint: order.id }); // FIFO subscribers get one group per order
 */
export const outboxPut = (
  tableName: string,
  event: EventEnvelope,
  partitionKeyOrOptions: string | OutboxPutOptions = 'pk',
  sortKey = 'sk',
): TransactItem => {
  const options: OutboxPutOptions =
    typeof partitionKeyOrOptions === 'string'
      ? { partitionKey: partitionKeyOrOptions, sortKey }
      : partitionKeyOrOptions;
  const pk = options.partitionKey ?? 'pk';
  const sk = options.sortKey ?? 'sk';
  return {
    Put: {
      TableName: tableName,
      Item: {
        [pk]: `${OUTBOX_PK_PREFIX}${event.id}`,
        [sk]: OUTBOX_SK,
        kind: 'outbox',
        event: JSON.stringify(event),
        eventType: event.type,
        [OUTBOX_TTL_ATTRIBUTE]: Math.floor(Date.parse(event.time) / 1000) + OUTBOX_TTL_SECONDS,
        ...(options.partitionHint === undefined
          ? {}
          : { [OUTBOX_PARTITION_HINT_ATTRIBUTE]: options.partitionHint }),
      },
      ConditionExpression: `attribute_not_exists(${pk})`,
    },
  };
};
