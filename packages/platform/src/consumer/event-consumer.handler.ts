import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type EventDefinition, EventEnvelope } from '@shop/contracts';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { runInInvocation } from '../invocation/invocation-scope.ts';
import { getLogger, orderIdOf } from '../observability/logger.ts';
import { SHOP_METRICS } from '../observability/metric-catalogue.ts';
import { flushMetrics, recordMetric } from '../observability/metrics.ts';
import { OUTBOX_TTL_ATTRIBUTE } from '../outbox/outbox.ts';
import { traced } from '../tracing/tracer.ts';

/** Prefix of the partition key under which a consumer keeps the ids of the events it has handled. */
export const IDEMPOTENCY_PK_PREFIX = 'IDEMPOTENCY#';
/** How long a handled event id is remembered: well beyond a redelivery or a relay retry. */
export const DEFAULT_IDEMPOTENCY_SECONDS = 24 * 60 * 60;

/** A message the consumer can never handle: not an envelope, an event it does not consume, or invalid data. */
export class InvalidEventError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'InvalidEventError';
  }
}

/** What a handler gets besides the event. */
export interface EventContext {
  /** The function's logger, carrying the event's correlation id, id and type. */
  readonly logger: Logger;
  readonly lambdaContext: Context;
  readonly messageId: string;
  /** 1 on the first delivery. */
  readonly receiveCount: number;
  /** The event's correlation id: events the handler publishes carry it on. */
  readonly correlationId: string;
}

/** The envelope a definition describes, with its payload typed. */
export type EnvelopeOf<TDefinition> =
  TDefinition extends EventDefinition<infer TType, infer TData>
    ? EventEnvelope<TData> & { readonly type: TType }
    : never;

export interface EventHandler<TDefinition extends EventDefinition = EventDefinition> {
  readonly event: TDefinition;
  /**
   * Runs at most once per event id (within the idempotency window), unless it is `dedupedBy` itself;
   * throw to have SQS redeliver.
   */
  readonly handle: (envelope: EnvelopeOf<TDefinition>, context: EventContext) => Promise<void>;
  /**
   * How the handler makes a repeated or concurrent delivery a no-op by itself (its one write is
   * conditional on the event's effect not being there yet, e.g. "the cart was not emptied for this
   * order"). When set, the consumer keeps no idempotency record for it: the record's two writes
   * (IN_PROGRESS, then COMPLETED) would add nothing the handler's condition does not already give.
   */
  readonly dedupedBy?: string;
}

export interface ConsumerIdempotencyOptions {
  /** The service's table (the records use `pk`/`sk` and expire through its `expiresAt` TTL). */
  readonly tableName: string;
  /** Defaults to a client configured by the environment. */
  readonly client?: DynamoDBClient;
  readonly expiresAfterSeconds?: number;
}

export interface EventConsumerOptions<TDefinitions extends readonly EventDefinition[]> {
  readonly handlers: { readonly [K in keyof TDefinitions]: EventHandler<TDefinitions[K]> };
  readonly idempotency: ConsumerIdempotencyOptions;
  readonly logger?: Logger;
}

const parseMessage = (record: SQSRecord, handlers: ReadonlyMap<string, EventHandler>) => {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InvalidEventError('the message body is not JSON');
  }
  const parsed = EventEnvelope.safeParse(json);
  if (!parsed.success)
    throw new InvalidEventError(`the message is not an event envelope: ${parsed.error.message}`);
  const envelope = parsed.data;
  const handler = handlers.get(envelope.type);
  if (!handler) throw new InvalidEventError(`this consumer does not handle ${envelope.type} events`);
  const data = handler.event.data.safeParse(envelope.data);
  if (!data.success) {
    throw new InvalidEventError(`invalid ${envelope.type} data: ${data.error.message}`);
  }
  return { handler, envelope: { ...envelope, data: data.data } };
};

/**
 * An SQS Lambda handler for one or more event types. Each message must be an event envelope of a
 * handled type whose data passes its definition; anything else is a poison message, logged as an
 * error and reported as failed, so that it lands in the queue's DLQ after `maxReceiveCount`
 * receives. Handling is idempotent by event id (Powertools idempotency, records in the service's
 * table) unless a handler says it is `dedupedBy` its own conditional write, and failures are
 * reported per message (`{ batchItemFailures }`), so only those are redelivered.
 *
 * @example
 * // src/handlers/order-confirmed.consumer.ts
 * export const handler = createEventConsumer({
 *   handlers: [{ event: OrderConfirmed, handle: async (event) => clearCart(event.data.customerId) }],
 *   idempotency: { tableName: env.TABLE_NAME },
 * });
 */
export const createEventConsumer = <const TDefinitions extends readonly EventDefinition[]>(
  options: EventConsumerOptions<TDefinitions>,
) => {
  const handlers = new Map<string, EventHandler>();
  // The mapped tuple type keeps each handler's envelope typed; one lookup table serves them all.
  for (const handler of options.handlers as readonly EventHandler[]) {
    if (handlers.has(handler.event.type)) {
      throw new Error(`createEventConsumer: two handlers for ${handler.event.type}`);
    }
    handlers.set(handler.event.type, handler);
  }
  if (handlers.size === 0) throw new Error('createEventConsumer requires at least one handler');
  if (!options.idempotency.tableName) throw new Error('createEventConsumer requires idempotency.tableName');
  const logger = options.logger ?? getLogger();
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'id',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.idempotency.expiresAfterSeconds ?? DEFAULT_IDEMPOTENCY_SECONDS,
  });

  const run = async (
    handler: EventHandler,
    envelope: EventEnvelope,
    context: EventContext,
  ): Promise<true> => {
    await handler.handle(envelope as EnvelopeOf<EventDefinition>, context);
    return true;
  };
  type IdempotentRun = typeof run;

  // The persistence layer is keyed by the function name, which the Lambda context carries: built on
  // the first invocation, it needs no environment variable and cannot be shared by two functions.
  const idempotentRuns = new Map<string, IdempotentRun>();
  const idempotentRunFor = (functionName: string): IdempotentRun => {
    let idempotent = idempotentRuns.get(functionName);
    if (!idempotent) {
      const persistenceStore = new DynamoDBPersistenceLayer({
        tableName: options.idempotency.tableName,
        keyAttr: 'pk',
        sortKeyAttr: 'sk',
        staticPkValue: `${IDEMPOTENCY_PK_PREFIX}${functionName}`,
        // Epoch seconds, so the table's TTL deletes records once they expire.
        expiryAttr: OUTBOX_TTL_ATTRIBUTE,
        ...(options.idempotency.client ? { awsSdkV3Client: options.idempotency.client } : {}),
      });
      idempotent = makeIdempotent(run, {
        persistenceStore,
        config,
        keyPrefix: functionName,
        dataIndexArgument: 1,
      });
      idempotentRuns.set(functionName, idempotent);
    }
    return idempotent;
  };

  return async function eventConsumer(event: SQSEvent, lambdaContext: Context): Promise<SQSBatchResponse> {
    const batchStarted = performance.now();
    let retries = 0;
    const correlationIds = new Set<string>();
    const orderIds = new Set<string>();
    logger.addContext(lambdaContext);
    config.registerLambdaContext(lambdaContext);
    const idempotentRun = idempotentRunFor(lambdaContext.functionName);

    const handleRecord = async (record: SQSRecord): Promise<void> => {
      const started = performance.now();
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      if (receiveCount > 1) retries += 1;
      let parsed: ReturnType<typeof parseMessage>;
      try {
        parsed = parseMessage(record, handlers);
      } catch (error) {
        const attribute = record.messageAttributes?.correlationId?.stringValue;
        logger.error('poison message: it will reach the DLQ after the maximum receives', {
          ...(attribute ? { correlationId: attribute } : {}),
          messageId: record.messageId,
          receiveCount,
          reason: error instanceof Error ? error.message : String(error),
          body: record.body.slice(0, 2048),
        });
        throw error;
      }
      const { handler, envelope } = parsed;
      const { correlationId } = envelope;
      const orderId = orderIdOf(envelope.data);
      correlationIds.add(correlationId);
      if (orderId) orderIds.add(orderId);
      const recordLogger = logger.createChild({
        persistentKeys: {
          correlationId,
          ...(orderId ? { orderId } : {}),
          eventId: envelope.id,
          eventType: envelope.type,
        },
      });
      const context: EventContext = {
        logger: recordLogger,
        lambdaContext,
        messageId: record.messageId,
        receiveCount,
        correlationId,
      };
      const line = (outcome: 'succeeded' | 'failed', extra: Record<string, unknown> = {}) => ({
        outcome,
        messageId: record.messageId,
        receiveCount,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...extra,
      });
      try {
        // Calls the handler makes (an internal function, say) carry the event's correlation id.
        await traced(envelope.type, { correlationId, orderId }, () =>
          runInInvocation({ correlationId }, () =>
            handler.dedupedBy ? run(handler, envelope, context) : idempotentRun(handler, envelope, context),
          ),
        );
        recordLogger.info('event', line('succeeded'));
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) {
          recordLogger.warn(
            'event',
            line('failed', {
              errorName: error.name,
              reason: 'being handled by another invocation: left for redelivery',
            }),
          );
        } else {
          recordLogger.error(
            'event',
            line('failed', { errorName: error instanceof Error ? error.name : 'Error', error }),
          );
        }
        throw error;
      }
    };

    // A processor per invocation: it holds the batch's state.
    const response = await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      context: lambdaContext,
      // Answer with the failed ids even when every message failed: SQS redelivers the same messages
      // either way, and the event source then sees an answer rather than a function error.
      throwOnFullBatchFailure: false,
    });
    const failed = response.batchItemFailures.length;
    if (retries > 0) recordMetric(SHOP_METRICS.consumerRetries, retries);
    if (failed > 0) recordMetric(SHOP_METRICS.partialBatchFailures, failed);
    logger.info('batch', {
      outcome: failed === 0 ? 'succeeded' : 'failed',
      records: event.Records.length,
      failed,
      durationMs: Math.round((performance.now() - batchStarted) * 100) / 100,
      // The ids when the batch is about one request and one order (the usual case at low traffic).
      ...(correlationIds.size === 1 ? { correlationId: [...correlationIds][0] } : {}),
      ...(orderIds.size === 1 ? { orderId: [...orderIds][0] } : {}),
    });
    flushMetrics();
    return response;
  };
};
