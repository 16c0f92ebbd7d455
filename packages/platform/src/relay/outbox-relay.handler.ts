import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { EventEnvelope } from '@shop/contracts';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  StreamRecord,
} from 'aws-lambda';
import { getLogger, orderIdOf } from '../observability/logger.ts';
import { SHOP_METRICS } from '../observability/metric-catalogue.ts';
import { flushMetrics, recordMetric } from '../observability/metrics.ts';
import { OUTBOX_PARTITION_HINT_ATTRIBUTE, OUTBOX_PK_PREFIX } from '../outbox/outbox.ts';
import { traceClient, traceHeader } from '../tracing/tracer.ts';
import { type EventRoutes, parseEventRoutes } from './event-routes.ts';

/** SendMessageBatch takes at most 10 entries... */
export const MAX_BATCH_ENTRIES = 10;
/** ...and at most 256 KiB in all (the classic limit; queues allowing more accept it too). */
export const MAX_BATCH_BYTES = 256 * 1024;

/** An outbox item as read from a stream INSERT. */
export interface OutboxStreamEvent {
  readonly sequenceNumber: string;
  readonly envelope: EventEnvelope;
  /** The envelope exactly as stored: the message body. */
  readonly body: string;
  readonly partitionHint?: string;
}

/** What a stream record is to the relay. */
export type OutboxRecordReading =
  | { readonly kind: 'event'; readonly event: OutboxStreamEvent }
  /** Not an outbox INSERT (another item, a MODIFY, a TTL REMOVE): none of the relay's business. */
  | { readonly kind: 'ignored' }
  /** An outbox INSERT that cannot be relayed, ever: retrying it would only block the shard. */
  | { readonly kind: 'invalid'; readonly reason: string };

const stringAttribute = (image: StreamRecord['NewImage'], name: string): string | undefined => {
  const value = image?.[name];
  return value && 'S' in value && typeof value.S === 'string' ? value.S : undefined;
};

/** Reads one stream record: an outbox INSERT becomes the event to relay. */
export const readOutboxRecord = (record: DynamoDBRecord, partitionKey = 'pk'): OutboxRecordReading => {
  const key = stringAttribute(record.dynamodb?.Keys, partitionKey);
  if (record.eventName !== 'INSERT' || !key?.startsWith(OUTBOX_PK_PREFIX)) return { kind: 'ignored' };
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber) return { kind: 'invalid', reason: 'the stream record has no SequenceNumber' };
  const body = stringAttribute(record.dynamodb?.NewImage, 'event');
  if (body === undefined) {
    return {
      kind: 'invalid',
      reason: 'the record has no new image with a string `event` (is the stream view type KEYS_ONLY?)',
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'invalid', reason: 'the `event` attribute is not JSON' };
  }
  const parsed = EventEnvelope.safeParse(json);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      reason: `the \`event\` attribute is not an event envelope: ${parsed.error.message}`,
    };
  }
  const partitionHint = stringAttribute(record.dynamodb?.NewImage, OUTBOX_PARTITION_HINT_ATTRIBUTE);
  return {
    kind: 'event',
    event: { sequenceNumber, envelope: parsed.data, body, ...(partitionHint ? { partitionHint } : {}) },
  };
};

const isFifoQueue = (queueUrl: string): boolean => queueUrl.endsWith('.fifo');

/** The SendMessageBatch entry of an event for one queue; `id` must be unique within the batch. */
export const messageEntryOf = (
  event: OutboxStreamEvent,
  queueUrl: string,
  id: string,
): SendMessageBatchRequestEntry => {
  const attributes: Record<string, MessageAttributeValue> = {
    eventType: { DataType: 'String', StringValue: event.envelope.type },
    correlationId: { DataType: 'String', StringValue: event.envelope.correlationId },
  };
  // In AWS the traced SQS client sends the X-Ray header and SQS keeps it as `AWSTraceHeader`; naming
  // it on the message as well keeps the consumer in the producer's trace whatever the client does.
  const trace = traceHeader();
  return {
    Id: id,
    MessageBody: event.body,
    MessageAttributes: attributes,
    ...(trace
      ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } } }
      : {}),
    ...(isFifoQueue(queueUrl)
      ? {
          MessageGroupId: event.partitionHint ?? event.envelope.type,
          // SQS drops a re-send of the same event (a relay retry) within its 5-minute window.
          MessageDeduplicationId: event.envelope.id,
        }
      : {}),
  };
};

const entryBytes = (entry: SendMessageBatchRequestEntry): number => {
  let bytes = Buffer.byteLength(entry.MessageBody ?? '');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
};

/** Splits entries, in order, into SendMessageBatch calls within the count and size limits. */
export const chunkEntries = <T extends { readonly entry: SendMessageBatchRequestEntry }>(
  items: readonly T[],
): T[][] => {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entryBytes(item.entry);
    if (current.length > 0 && (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

export interface OutboxRelayOptions {
  /** Routing table; read from `EVENT_ROUTES` when absent. */
  readonly routes?: EventRoutes;
  /** Defaults to a client configured by the environment (`AWS_REGION`, `AWS_ENDPOINT_URL`). */
  readonly sqs?: SQSClient;
  readonly logger?: Logger;
  /** The table's partition key attribute; `pk` by default. */
  readonly partitionKey?: string;
}

interface PendingMessage {
  /** Position of the event's stream record in the batch. */
  readonly position: number;
  readonly event: OutboxStreamEvent;
  readonly entry: SendMessageBatchRequestEntry;
}

/**
 * The outbox relay: a DynamoDB Streams handler that sends every outbox INSERT to the SQS queue of
 * each subscriber of its event type (`EVENT_ROUTES`), in batches of up to 10, and reports the first
 * record it could not fully send so that Lambda retries from there (consumers de-duplicate on the
 * event id, so the re-sends a retry causes are harmless). Routes and clients are set up once, at
 * cold start.
 *
 * @example
 * // src/handlers/outbox-relay.ts
 * export const handler = createOutboxRelayHandler();
 */
export const createOutboxRelayHandler = (options: OutboxRelayOptions = {}) => {
  const routes = options.routes ?? parseEventRoutes();
  const sqs = options.sqs ?? traceClient(new SQSClient({}));
  const logger = options.logger ?? getLogger();
  const partitionKey = options.partitionKey ?? 'pk';

  /** Sends one queue's messages in order; the position of the first one that failed, if any. */
  const sendAll = async (
    queueUrl: string,
    messages: readonly PendingMessage[],
    sent: Map<number, OutboxStreamEvent>,
  ): Promise<number | undefined> => {
    for (const chunk of chunkEntries(messages)) {
      let failedIds: ReadonlySet<string>;
      let reason: string;
      try {
        const result = await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((m) => m.entry) }),
        );
        failedIds = new Set((result.Failed ?? []).map((f) => f.Id ?? ''));
        reason = (result.Failed ?? []).map((f) => `${f.Code}: ${f.Message ?? ''}`).join('; ');
      } catch (error) {
        failedIds = new Set(chunk.map((m) => m.entry.Id ?? ''));
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const failed = chunk.filter((m) => failedIds.has(m.entry.Id ?? ''));
      const first = failed[0];
      if (first) {
        for (const m of failed) {
          logger.error('outbox event not sent', {
            correlationId: m.event.envelope.correlationId,
            eventId: m.event.envelope.id,
            eventType: m.event.envelope.type,
            queueUrl,
            reason,
          });
        }
        // Later messages of this queue come after the failure in the stream: the retry re-sends them
        // anyway, and holding them back keeps a FIFO queue in stream order.
        return first.position;
      }
      for (const m of chunk) {
        sent.set(m.position, m.event);
        logger.debug('outbox event sent', {
          correlationId: m.event.envelope.correlationId,
          eventId: m.event.envelope.id,
          eventType: m.event.envelope.type,
          queueUrl,
        });
      }
    }
    return undefined;
  };

  return async function outboxRelay(
    event: DynamoDBStreamEvent,
    context?: Context,
  ): Promise<DynamoDBBatchResponse> {
    const started = performance.now();
    if (context) logger.addContext(context);
    const byQueue = new Map<string, PendingMessage[]>();
    const sequenceNumbers: string[] = [];
    let events = 0;
    for (const [position, record] of event.Records.entries()) {
      sequenceNumbers.push(record.dynamodb?.SequenceNumber ?? '');
      const reading = readOutboxRecord(record, partitionKey);
      if (reading.kind === 'ignored') continue;
      if (reading.kind === 'invalid') {
        logger.error('outbox record skipped: it can never be relayed', {
          eventID: record.eventID,
          sequenceNumber: record.dynamodb?.SequenceNumber,
          reason: reading.reason,
        });
        continue;
      }
      events += 1;
      const { envelope } = reading.event;
      const queues = new Set(routes[envelope.type] ?? []);
      if (queues.size === 0) {
        logger.info('outbox event has no subscriber', {
          correlationId: envelope.correlationId,
          eventId: envelope.id,
          eventType: envelope.type,
        });
        continue;
      }
      for (const queueUrl of queues) {
        const messages = byQueue.get(queueUrl) ?? [];
        messages.push({
          position,
          event: reading.event,
          entry: messageEntryOf(reading.event, queueUrl, `m${position}`),
        });
        byQueue.set(queueUrl, messages);
      }
    }
    const sent = new Map<number, OutboxStreamEvent>();
    const failures = await Promise.all(
      [...byQueue].map(([queueUrl, messages]) => sendAll(queueUrl, messages, sent)),
    );
    const firstFailure = Math.min(...failures.filter((p) => p !== undefined));
    // Lag: from the outbox write to the event having reached every queue of its route, so an event
    // counts once, when all its sends succeeded (before the first failure, which is retried).
    const relayedAt = Date.now();
    for (const [position, relayed] of sent) {
      if (position >= firstFailure) continue;
      const lag = relayedAt - Date.parse(relayed.envelope.time);
      if (lag >= 0) recordMetric(SHOP_METRICS.outboxRelayLag, lag);
    }
    const correlationIds = [...new Set([...sent.values()].map((e) => e.envelope.correlationId))];
    const orderIds = [
      ...new Set([...sent.values()].map((e) => orderIdOf(e.envelope.data)).filter((id) => id)),
    ];
    // Batches of other items' changes are routine; only those that carried events are worth a line.
    (events > 0 ? logger.info : logger.debug).call(logger, 'outbox batch relayed', {
      outcome: Number.isFinite(firstFailure) ? 'failed' : 'succeeded',
      records: event.Records.length,
      events,
      queues: byQueue.size,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      // One id when the batch is one request's events (the usual case), every id otherwise.
      ...(correlationIds.length === 1 ? { correlationId: correlationIds[0] } : {}),
      ...(correlationIds.length > 1 ? { correlationIds } : {}),
      ...(orderIds.length === 1 ? { orderId: orderIds[0] } : {}),
      ...(orderIds.length > 1 ? { orderIds } : {}),
      ...(Number.isFinite(firstFailure) ? { retryFrom: sequenceNumbers[firstFailure] } : {}),
    });
    flushMetrics();
    if (!Number.isFinite(firstFailure)) return { batchItemFailures: [] };
    // Stream semantics: Lambda retries from the first reported record, so one is all it needs.
    return { batchItemFailures: [{ itemIdentifier: sequenceNumbers[firstFailure] ?? '' }] };
  };
};
