import type { FunctionDefinition, ScheduleRate, TableDefinition } from './service-definition.ts';
import { STREAM_EVENT_SOURCE_BATCH_SIZE } from './wiring.ts';

/** The TTL attribute every table has: outbox items, idempotency records and guest carts expire. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface SingleTableOptions {
  /** `gsi1`, `gsi2`...: keyed `gsi<n>pk`/`gsi<n>sk`, in this order; say what each is for next to the call. */
  readonly indexes?: readonly { readonly projection?: 'ALL' | 'KEYS_ONLY' }[];
  /** The service publishes events: the outbox relay reads the table's stream. */
  readonly outbox?: boolean;
}

/**
 * The single-table layout every service uses: `pk`/`sk`, numbered GSIs, TTL on `expiresAt`, and the
 * stream when the service publishes through its outbox.
 *
 * @example
 * table: singleTable({ indexes: [{}, {}], outbox: true }), // gsi1: a customer's orders; gsi2: orders by status
 */
export const singleTable = (options: SingleTableOptions = {}): TableDefinition => ({
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ...(options.indexes && options.indexes.length > 0
    ? {
        globalSecondaryIndexes: options.indexes.map((index, i) => ({
          indexName: `gsi${i + 1}`,
          partitionKey: { name: `gsi${i + 1}pk`, type: 'S' as const },
          sortKey: { name: `gsi${i + 1}sk`, type: 'S' as const },
          ...(index.projection ? { projection: index.projection } : {}),
        })),
      }
    : {}),
  ...(options.outbox ? { stream: 'NEW_AND_OLD_IMAGES' as const } : {}),
  timeToLiveAttribute: TTL_ATTRIBUTE,
});

/** A saga task's function: `handlers/<task>.task.ts`, invoked by a state machine under `name`. */
export const sagaTask = (entry: string, name: string, timeoutSeconds = 10): FunctionDefinition => ({
  entry,
  timeoutSeconds,
  triggers: [{ type: 'task', name }],
});

/** An internal function (`handlers/<name>.function.ts`) other services invoke directly. */
export const internalFunction = (entry: string, timeoutSeconds = 5): FunctionDefinition => ({
  entry,
  timeoutSeconds,
  triggers: [{ type: 'invoke' }],
});

/**
 * The outbox relay of a service that publishes: `handlers/outbox-relay.ts` on the table stream, with
 * time for a full batch of SendMessageBatch calls.
 */
export const OUTBOX_RELAY: FunctionDefinition = {
  entry: 'src/handlers/outbox-relay.ts',
  timeoutSeconds: 30,
  triggers: [{ type: 'stream', batchSize: STREAM_EVENT_SOURCE_BATCH_SIZE }],
};

/**
 * A scheduled function (`handlers/<name>.schedule.ts`): invoked asynchronously on a fixed rate, by
 * EventBridge Scheduler in AWS and by the local runtime's scheduler locally.
 *
 * @example
 * reconcileOrders: scheduledFunction('src/handlers/reconcile-orders.schedule.ts', 'rate(1 minute)'),
 */
export const scheduledFunction = (
  entry: string,
  rate: ScheduleRate,
  timeoutSeconds = 60,
): FunctionDefinition => ({
  entry,
  timeoutSeconds,
  triggers: [{ type: 'schedule', rate }],
});
