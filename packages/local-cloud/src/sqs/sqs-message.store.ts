import { randomUUID } from 'node:crypto';
import { md5Hex, md5OfMessageAttributes, sha256Hex } from './sqs.checksums.ts';
import { invalidParameter, missingParameter, SqsApiError } from './sqs.errors.ts';
import type { QueueState, SqsChangeLog, StoredMessage } from './sqs.state.ts';
import { wakeWaiters } from './sqs.state.ts';
import type {
  MessageAttributes,
  PeekedMessage,
  ReceivedMessage,
  SendMessageInput,
  SendMessageResult,
} from './sqs.types.ts';
import {
  assertValidBody,
  assertValidFifoId,
  assertValidMessageAttributes,
  assertValidSystemAttributes,
  integerParameter,
  messageSize,
} from './sqs-message.validation.ts';
import { decodeReceiptHandle, encodeReceiptHandle, invalidReceiptHandle } from './sqs-receipt.handles.ts';

const DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;
const FIRST_SEQUENCE_NUMBER = 10_000_000_000_000_000_000n;

export interface SqsMessageStoreOptions {
  readonly now: () => number;
  readonly changes: SqsChangeLog;
  /** The SenderId of a message whose request names nobody (AWS reports the caller's IAM id). */
  readonly defaultSenderId: string;
}

export interface ReceiveOptions {
  readonly max: number;
  readonly visibilitySeconds: number;
  readonly waitSeconds: number;
  readonly systemAttributeNames: readonly string[];
  readonly messageAttributeNames: readonly string[];
  readonly signal?: AbortSignal | undefined;
  /** False once the engine closed or the queue was deleted: the wait ends with nothing. */
  readonly stillServing: () => boolean;
  /** Offered each message about to be delivered; true when it went elsewhere instead (a dead-letter queue). */
  readonly divert: (message: StoredMessage, now: number) => boolean;
}

export type MessageCounts = { visible: number; inFlight: number; delayed: number };

/**
 * The life of messages in a queue: sending (with FIFO de-duplication), delays, receiving with a
 * visibility timeout and long polling, receipt handles, deletes, visibility changes, retention and
 * purges. Every change is told to the change log after it is made.
 */
export class SqsMessageStore {
  readonly #now: () => number;
  readonly #changes: SqsChangeLog;
  readonly #defaultSenderId: string;
  #sequence = FIRST_SEQUENCE_NUMBER;

  constructor(options: SqsMessageStoreOptions) {
    this.#now = options.now;
    this.#changes = options.changes;
    this.#defaultSenderId = options.defaultSenderId;
  }

  /** The last FIFO sequence number handed out. */
  get sequence(): bigint {
    return this.#sequence;
  }

  nextSequenceNumber(): string {
    this.#sequence += 1n;
    return this.#sequence.toString().padStart(20, '0');
  }

  /** Keeps sequence numbers rising across restarts: none handed out later is at or below `value`. */
  observeSequenceNumber(value: string | bigint | undefined): void {
    if (value === undefined) return;
    const n = typeof value === 'bigint' ? value : BigInt(value);
    if (n > this.#sequence) this.#sequence = n;
  }

  /**
   * The checks that fail a whole FIFO SendMessageBatch rather than one entry. As recorded against
   * AWS (LocalStack's AWS-validated snapshots): a missing MessageGroupId is InvalidParameterValue in
   * a batch (MissingParameter for SendMessage), with SendMessage's wording.
   */
  assertBatchEntryIds(queue: QueueState, entry: SendMessageInput): void {
    if (!queue.fifo) return;
    if (entry.MessageGroupId === undefined) {
      throw new SqsApiError(
        'InvalidParameterValue',
        'The request must contain the parameter MessageGroupId.',
      );
    }
    if (
      entry.MessageDeduplicationId === undefined &&
      queue.attributes.get('ContentBasedDeduplication') !== 'true'
    ) {
      throw missingDeduplicationId();
    }
  }

  send(queue: QueueState, input: SendMessageInput): SendMessageResult {
    const now = this.#now();
    const body = input.MessageBody;
    if (typeof body !== 'string' || body.length === 0) throw missingParameter('MessageBody');
    assertValidBody(body);
    assertValidMessageAttributes(input.MessageAttributes);
    const traceHeader = assertValidSystemAttributes(input.MessageSystemAttributes);
    const size = messageSize(body, input.MessageAttributes);
    const maxSize = Number(queue.attributes.get('MaximumMessageSize'));
    if (size > maxSize) {
      throw new SqsApiError(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`,
      );
    }
    let delaySeconds = Number(queue.attributes.get('DelaySeconds'));
    if (input.DelaySeconds !== undefined) {
      if (queue.fifo && input.DelaySeconds !== 0) {
        throw invalidParameter(
          'DelaySeconds',
          input.DelaySeconds,
          'The request include parameter that is not valid for this queue type',
        );
      }
      delaySeconds =
        integerParameter(
          'DelaySeconds',
          input.DelaySeconds,
          0,
          900,
          'DelaySeconds must be >= 0 and <= 900',
        ) ?? delaySeconds;
    }
    let deduplicationId = input.MessageDeduplicationId;
    if (input.MessageGroupId !== undefined) assertValidFifoId('MessageGroupId', input.MessageGroupId);
    if (queue.fifo) {
      if (input.MessageGroupId === undefined) throw missingParameter('MessageGroupId');
      if (deduplicationId === undefined) {
        if (queue.attributes.get('ContentBasedDeduplication') !== 'true') throw missingDeduplicationId();
        deduplicationId = sha256Hex(body);
      }
      assertValidFifoId('MessageDeduplicationId', deduplicationId);
    } else if (deduplicationId !== undefined) {
      throw invalidParameter(
        'MessageDeduplicationId',
        deduplicationId,
        'The request include parameter that is not valid for this queue type',
      );
    }

    const md5OfBody = md5Hex(body);
    const md5OfAttributes = md5OfMessageAttributes(input.MessageAttributes);
    const md5OfSystemAttributes = md5OfMessageAttributes(input.MessageSystemAttributes);
    const receipt = (messageId: string, sequenceNumber: string | undefined): SendMessageResult => ({
      MessageId: messageId,
      MD5OfMessageBody: md5OfBody,
      ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes } : {}),
      ...(md5OfSystemAttributes ? { MD5OfMessageSystemAttributes: md5OfSystemAttributes } : {}),
      ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
    });

    let deduplicationKey: string | undefined;
    if (queue.fifo && deduplicationId !== undefined) {
      this.expire(queue, now);
      deduplicationKey =
        queue.attributes.get('DeduplicationScope') === 'messageGroup'
          ? `${input.MessageGroupId ?? ''}\u0000${deduplicationId}`
          : deduplicationId;
      const previous = queue.deduplication.get(deduplicationKey);
      if (previous && previous.expiresAt > now) return receipt(previous.messageId, previous.sequenceNumber);
    }

    const messageId = randomUUID();
    const sequenceNumber = queue.fifo ? this.nextSequenceNumber() : undefined;
    if (deduplicationKey !== undefined) {
      queue.deduplication.set(deduplicationKey, {
        messageId,
        sequenceNumber,
        expiresAt: now + DEDUPLICATION_INTERVAL_MS,
      });
    }
    this.enqueue(
      queue,
      {
        messageId,
        body,
        md5OfBody,
        attributes: input.MessageAttributes ?? {},
        md5OfAttributes,
        traceHeader,
        md5OfSystemAttributes,
        sentTimestamp: now,
        senderId: input.SenderId ?? this.#defaultSenderId,
        groupId: input.MessageGroupId,
        deduplicationId,
        sequenceNumber,
        deadLetterSourceArn: undefined,
        size,
        enqueueNonce: randomUUID(),
        availableAt: now + delaySeconds * 1000,
        invisibleUntil: 0,
        receiveCount: 0,
        firstReceiveTimestamp: undefined,
      },
      deduplicationKey,
    );
    return receipt(messageId, sequenceNumber);
  }

  /** Adds a message at the end of the queue (a send, a move from another queue). */
  enqueue(queue: QueueState, message: StoredMessage, deduplicationKey?: string): void {
    queue.messages.set(message.messageId, message);
    this.#changes.messagePut(queue, message, deduplicationKey);
    wakeWaiters(queue);
  }

  /** Puts a message in place as it is (the journal restoring state): nothing told. */
  restore(queue: QueueState, message: StoredMessage): void {
    queue.messages.set(message.messageId, message);
    this.observeSequenceNumber(message.sequenceNumber);
  }

  remove(queue: QueueState, messageId: string): void {
    if (!queue.messages.delete(messageId)) return;
    this.#changes.messageRemoved(queue, messageId);
    wakeWaiters(queue);
  }

  /**
   * Receives up to `max` messages, long-polling for up to `waitSeconds` (woken early by a send, a
   * visibility change or a delay ending). `signal` ends the wait early with whatever is available.
   */
  async receive(queue: QueueState, options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const deadline = performance.now() + options.waitSeconds * 1000;
    for (;;) {
      if (!options.stillServing() || options.signal?.aborted) return [];
      const now = this.#now();
      const { picked, nextChangeAt } = this.#collect(queue, options.max, now, options.divert);
      if (picked.length > 0) return picked.map((message) => this.#deliver(queue, message, now, options));
      const remaining = deadline - performance.now();
      if (remaining <= 0) return [];
      await waitForChange(queue, Math.min(remaining, nextChangeAt - now), options.signal);
    }
  }

  /**
   * Deletes the message a receipt handle was issued for. On a standard queue any handle of the
   * message's receives works, the one before the latest included: AWS's API reference says a stale
   * handle "might not" delete, and what AWS does (LocalStack's and moto's AWS-checked tests) is
   * delete. A handle of a message already gone succeeds and does nothing. On a FIFO queue only the
   * latest handle works, and only while its visibility timeout runs ("The receipt handle has expired").
   */
  delete(queue: QueueState, receiptHandle: string): void {
    const message = this.#messageOf(queue, receiptHandle);
    if (!message) return;
    if (queue.fifo && !this.#isCurrentReceive(message.message, message.receive)) {
      throw invalidParameter('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
    }
    this.remove(queue, message.message.messageId);
  }

  /**
   * Changes the visibility timeout of the receive a handle was issued for (0 makes the message
   * visible at once). As for deletes, an earlier handle of a standard queue's message works. A handle
   * whose visibility timeout already ended is answered with success and changes nothing: AWS answers
   * 200 there (its recorded response); hiding a visible message again without a receive would let it
   * skip a receive count. A message gone is refused as AWS refuses it.
   */
  changeVisibility(queue: QueueState, receiptHandle: string, seconds: number): void {
    const found = this.#messageOf(queue, receiptHandle);
    if (!found || (queue.fifo && !this.#isCurrentReceive(found.message, found.receive))) {
      throw invalidParameter(
        'ReceiptHandle',
        receiptHandle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    const { message } = found;
    const now = this.#now();
    if (message.invisibleUntil <= now) return;
    message.invisibleUntil = now + seconds * 1000;
    this.#changes.messageChanged(queue, message);
    wakeWaiters(queue);
  }

  /** Messages as they are, in delivery order, without receiving them (nothing counts, nothing moves). */
  peek(queue: QueueState, limit: number): PeekedMessage[] {
    const now = this.#now();
    this.expire(queue, now);
    return [...queue.messages.values()].slice(0, limit).map((message) => {
      const state =
        message.invisibleUntil > now ? 'IN_FLIGHT' : message.availableAt > now ? 'DELAYED' : 'VISIBLE';
      const attributes: Record<string, string> = {};
      for (const [key, value] of Object.entries(systemAttributesOf(message))) {
        if (value !== undefined) attributes[key] = value;
      }
      return {
        MessageId: message.messageId,
        Body: message.body,
        MD5OfBody: message.md5OfBody,
        ...(Object.keys(message.attributes).length > 0 ? { MessageAttributes: message.attributes } : {}),
        Attributes: attributes,
        State: state,
        ...(state === 'IN_FLIGHT' ? { VisibleAt: message.invisibleUntil } : {}),
        ...(state === 'DELAYED' ? { VisibleAt: message.availableAt } : {}),
      };
    });
  }

  purge(queue: QueueState): void {
    queue.messages.clear();
    queue.lastPurgeAt = this.#now();
    this.#changes.queuePurged(queue);
    wakeWaiters(queue);
  }

  counts(queue: QueueState): MessageCounts {
    const now = this.#now();
    this.expire(queue, now);
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of queue.messages.values()) {
      if (message.invisibleUntil > now) counts.inFlight++;
      else if (message.availableAt > now) counts.delayed++;
      else counts.visible++;
    }
    return counts;
  }

  /**
   * Drops messages older than the queue's retention period (in flight or not) and de-duplication
   * ids past their interval. Not told to the change log: a restored journal expires them again.
   */
  expire(queue: QueueState, now: number): void {
    const retentionMs = Number(queue.attributes.get('MessageRetentionPeriod')) * 1000;
    for (const message of queue.messages.values()) {
      if (message.sentTimestamp + retentionMs <= now) queue.messages.delete(message.messageId);
    }
    for (const [key, entry] of queue.deduplication)
      if (entry.expiresAt <= now) queue.deduplication.delete(key);
  }

  /** The message a handle of this queue names, if it is still there; `ReceiptHandleIsInvalid` for no handle of this queue. */
  #messageOf(
    queue: QueueState,
    receiptHandle: string,
  ): { message: StoredMessage; receive: number } | undefined {
    if (typeof receiptHandle !== 'string' || receiptHandle === '') throw missingParameter('ReceiptHandle');
    const parts = decodeReceiptHandle(receiptHandle);
    if (!parts || parts.queueArn !== queue.arn) throw invalidReceiptHandle(receiptHandle);
    const message = queue.messages.get(parts.messageId);
    if (!message || message.enqueueNonce !== parts.enqueueNonce || parts.receive > message.receiveCount) {
      return undefined;
    }
    return { message, receive: parts.receive };
  }

  #isCurrentReceive(message: StoredMessage, receive: number): boolean {
    return receive === message.receiveCount && message.invisibleUntil > this.#now();
  }

  /** Picks deliverable messages in order; FIFO groups with a message in flight or delayed are skipped. */
  #collect(
    queue: QueueState,
    max: number,
    now: number,
    divert: ReceiveOptions['divert'],
  ): { picked: StoredMessage[]; nextChangeAt: number } {
    this.expire(queue, now);
    const picked: StoredMessage[] = [];
    let nextChangeAt = Number.POSITIVE_INFINITY;
    const blockedGroups = new Set<string>();
    if (queue.fifo) {
      for (const message of queue.messages.values()) {
        if (message.invisibleUntil > now && message.groupId !== undefined) blockedGroups.add(message.groupId);
      }
    }
    // Deleting from a Map while iterating it is safe; a diverted message goes to another queue.
    for (const message of queue.messages.values()) {
      if (picked.length >= max) break;
      const waitingUntil = message.invisibleUntil > now ? message.invisibleUntil : message.availableAt;
      if (waitingUntil > now) {
        nextChangeAt = Math.min(nextChangeAt, waitingUntil);
        if (queue.fifo && message.groupId !== undefined) blockedGroups.add(message.groupId);
        continue;
      }
      if (queue.fifo && message.groupId !== undefined && blockedGroups.has(message.groupId)) continue;
      if (divert(message, now)) continue;
      picked.push(message);
    }
    return { picked, nextChangeAt };
  }

  #deliver(queue: QueueState, message: StoredMessage, now: number, options: ReceiveOptions): ReceivedMessage {
    message.receiveCount += 1;
    message.firstReceiveTimestamp ??= now;
    message.invisibleUntil = now + options.visibilitySeconds * 1000;
    this.#changes.messageChanged(queue, message);
    const receiptHandle = encodeReceiptHandle({
      queueArn: queue.arn,
      messageId: message.messageId,
      enqueueNonce: message.enqueueNonce,
      receive: message.receiveCount,
    });
    const systemNames = new Set(options.systemAttributeNames);
    const all = systemNames.has('All');
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(systemAttributesOf(message))) {
      if (value !== undefined && (all || systemNames.has(key))) attributes[key] = value;
    }
    const messageAttributes = selectMessageAttributes(message.attributes, options.messageAttributeNames);
    const md5OfAttributes = md5OfMessageAttributes(messageAttributes);
    return {
      MessageId: message.messageId,
      ReceiptHandle: receiptHandle,
      Body: message.body,
      MD5OfBody: message.md5OfBody,
      ...(md5OfAttributes
        ? { MD5OfMessageAttributes: md5OfAttributes, MessageAttributes: messageAttributes }
        : {}),
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    };
  }
}

const missingDeduplicationId = (): SqsApiError =>
  new SqsApiError(
    'InvalidParameterValue',
    'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
  );

const systemAttributesOf = (message: StoredMessage): Record<string, string | undefined> => ({
  SenderId: message.senderId,
  SentTimestamp: String(message.sentTimestamp),
  ApproximateReceiveCount: String(message.receiveCount),
  ApproximateFirstReceiveTimestamp:
    message.firstReceiveTimestamp === undefined ? undefined : String(message.firstReceiveTimestamp),
  SequenceNumber: message.sequenceNumber,
  MessageDeduplicationId: message.deduplicationId,
  MessageGroupId: message.groupId,
  AWSTraceHeader: message.traceHeader,
  DeadLetterQueueSourceArn: message.deadLetterSourceArn,
});

/**
 * `All`, `*` and `.*` select every attribute; `<prefix>.*` those whose name starts with `<prefix>`
 * (AWS matches the text before `.*` as a plain prefix: `Hel.*` returns `Hello` and `Help.Me`, as its
 * recorded responses show); any other name matches exactly.
 */
export const selectMessageAttributes = (
  attributes: MessageAttributes,
  names: readonly string[],
): MessageAttributes => {
  if (names.length === 0) return {};
  const selected: Record<string, (typeof attributes)[string]> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = names.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -2))),
    );
    if (wanted) selected[name] = value;
  }
  return selected;
};

const waitForChange = (queue: QueueState, ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      queue.waiters.delete(done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    queue.waiters.add(done);
    signal?.addEventListener('abort', done, { once: true });
  });
