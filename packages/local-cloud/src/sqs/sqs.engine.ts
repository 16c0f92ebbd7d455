import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { md5Hex, md5OfMessageAttributes, sha256Hex } from './sqs.checksums.ts';
import { invalidParameter, missingParameter, queueDoesNotExist, SqsApiError } from './sqs.errors.ts';
import type {
  BatchResult,
  MessageAttributes,
  MessageMoveTask,
  ReceivedMessage,
  ReceiveMessageInput,
  SendMessageBatchEntry,
  SendMessageInput,
  SendMessageResult,
} from './sqs.types.ts';
import {
  assertValidBody,
  assertValidFifoId,
  assertValidMessageAttributes,
  assertValidSystemAttributes,
  messageSize,
} from './sqs-message.validation.ts';
import {
  FIFO_DEFAULTS,
  isKnownAttributeName,
  MAX_MESSAGE_BYTES,
  normalizeQueueAttributes,
  parseRedrivePolicy,
  READ_ONLY_ATTRIBUTES,
  STANDARD_DEFAULTS,
  unknownAttribute,
} from './sqs-queue.attributes.ts';

export interface SqsEngineOptions {
  readonly accountId?: string;
  readonly region?: string;
  /** Clock in epoch milliseconds (tests move time forward for retention and de-duplication). */
  readonly now?: () => number;
  /** AWS allows one PurgeQueue per queue every 60 s; 0 lifts the limit. */
  readonly purgeCooldownSeconds?: number;
}

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: MessageAttributes;
  readonly md5OfAttributes: string | undefined;
  readonly traceHeader: string | undefined;
  readonly md5OfSystemAttributes: string | undefined;
  readonly sentTimestamp: number;
  readonly senderId: string;
  readonly groupId: string | undefined;
  readonly deduplicationId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly deadLetterSourceArn: string | undefined;
  readonly size: number;
  availableAt: number;
  invisibleUntil: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  receiptNonce: string | undefined;
}

interface QueueState {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly createdTimestamp: number;
  lastModifiedTimestamp: number;
  readonly attributes: Map<string, string>;
  readonly tags: Map<string, string>;
  /** Insertion order is delivery order. */
  readonly messages: Map<string, StoredMessage>;
  readonly deduplication: Map<
    string,
    { messageId: string; sequenceNumber: string | undefined; expiresAt: number }
  >;
  readonly waiters: Set<() => void>;
  lastPurgeAt: number | undefined;
}

const DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_BATCH_ENTRIES = 10;

interface ReceiptHandleParts {
  readonly queueArn: string;
  readonly messageId: string;
  readonly nonce: string;
}

const encodeReceiptHandle = (parts: ReceiptHandleParts): string =>
  Buffer.from(JSON.stringify([parts.queueArn, parts.messageId, parts.nonce]), 'utf8').toString('base64');

const decodeReceiptHandle = (handle: string): ReceiptHandleParts | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string'))
      return undefined;
    const [queueArn, messageId, nonce] = parsed as [string, string, string];
    return { queueArn, messageId, nonce };
  } catch {
    return undefined;
  }
};

const invalidReceiptHandle = (handle: string): SqsApiError =>
  new SqsApiError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
  );

const integerParameter = (
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  reason: string,
) => {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) throw invalidParameter(name, value, reason);
  return value;
};

/**
 * In-memory Amazon SQS: standard and FIFO queues with visibility timeouts, long polling, delays,
 * FIFO ordering and de-duplication, retention, and redrive to dead-letter queues. It knows nothing
 * of HTTP: the edge handler and the event-source pollers both call it directly.
 *
 * Queues are addressed by name within one account and region.
 */
export class SqsEngine {
  readonly accountId: string;
  readonly region: string;
  readonly #now: () => number;
  readonly #purgeCooldownMs: number;
  readonly #queues = new Map<string, QueueState>();
  readonly #moveTasks: MessageMoveTask[] = [];
  #sequence = 10_000_000_000_000_000_000n;
  #closed = false;

  constructor(options: SqsEngineOptions = {}) {
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? LOCAL_REGION;
    this.#now = options.now ?? Date.now;
    this.#purgeCooldownMs = (options.purgeCooldownSeconds ?? 60) * 1000;
  }

  queueArn(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** `arn:aws:sqs:<region>:<account>:<name>` -> name, when the ARN is this engine's. */
  queueNameOfArn(arn: string): string | undefined {
    const prefix = `arn:aws:sqs:${this.region}:${this.accountId}:`;
    return arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
  }

  /** True once close() ran. */
  get closed(): boolean {
    return this.#closed;
  }

  hasQueue(name: string): boolean {
    return this.#queues.has(name);
  }

  isFifo(name: string): boolean {
    return this.#require(name).fifo;
  }

  /**
   * Creates a queue, or returns the existing one when every given attribute matches it
   * (`QueueNameExists` otherwise), as CreateQueue does.
   */
  createQueue(
    name: string,
    attributes: Readonly<Record<string, string>> = {},
    tags: Readonly<Record<string, string>> = {},
  ): { name: string; arn: string } {
    const fifo = name.endsWith('.fifo');
    const baseName = fifo ? name.slice(0, -'.fifo'.length) : name;
    if (!QUEUE_NAME.test(baseName) || name.length > 80) {
      throw new SqsApiError(
        'InvalidParameterValue',
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    if (fifo && attributes.FifoQueue !== 'true') {
      throw new SqsApiError(
        'InvalidParameterValue',
        'The name of a FIFO queue must end with .fifo and set FifoQueue to true.',
      );
    }
    if (!fifo && attributes.FifoQueue === 'true') {
      throw new SqsApiError(
        'InvalidParameterValue',
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
      );
    }
    const given = normalizeQueueAttributes(attributes, fifo, true);
    if (!fifo) delete given.FifoQueue;
    const existing = this.#queues.get(name);
    if (existing) {
      for (const [key, value] of Object.entries(given)) {
        if (existing.attributes.get(key) !== value) {
          throw new SqsApiError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${key}`,
          );
        }
      }
      return { name, arn: existing.arn };
    }
    this.#assertRedriveTarget(given.RedrivePolicy, fifo);
    const nowSeconds = Math.floor(this.#now() / 1000);
    const queue: QueueState = {
      name,
      arn: this.queueArn(name),
      fifo,
      createdTimestamp: nowSeconds,
      lastModifiedTimestamp: nowSeconds,
      attributes: new Map(Object.entries({ ...(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS), ...given })),
      tags: new Map(Object.entries(tags)),
      messages: new Map(),
      deduplication: new Map(),
      waiters: new Set(),
      lastPurgeAt: undefined,
    };
    this.#dropEmpty(queue);
    this.#queues.set(name, queue);
    return { name, arn: queue.arn };
  }

  deleteQueue(name: string): void {
    const queue = this.#require(name);
    this.#queues.delete(name);
    this.#notify(queue);
  }

  /** Queue names (sorted), optionally those starting with `prefix`. */
  listQueues(prefix = ''): string[] {
    return [...this.#queues.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  purgeQueue(name: string): void {
    const queue = this.#require(name);
    const now = this.#now();
    if (queue.lastPurgeAt !== undefined && now - queue.lastPurgeAt < this.#purgeCooldownMs) {
      throw new SqsApiError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
      );
    }
    queue.lastPurgeAt = now;
    queue.messages.clear();
    this.#notify(queue);
  }

  /** `names` may hold `All`; unknown names raise `InvalidAttributeName`. */
  getQueueAttributes(name: string, names: readonly string[] = ['All']): Record<string, string> {
    const queue = this.#require(name);
    const now = this.#now();
    this.#expire(queue, now);
    for (const attribute of names) {
      if (attribute !== 'All' && !isKnownAttributeName(attribute, queue.fifo))
        throw unknownAttribute(attribute);
    }
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of queue.messages.values()) {
      if (message.invisibleUntil > now) inFlight++;
      else if (message.availableAt > now) delayed++;
      else visible++;
    }
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      CreatedTimestamp: String(queue.createdTimestamp),
      LastModifiedTimestamp: String(queue.lastModifiedTimestamp),
      ...Object.fromEntries(queue.attributes),
    };
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const result: Record<string, string> = {};
    for (const attribute of wanted) {
      const value = all[attribute];
      if (value !== undefined) result[attribute] = value;
    }
    return result;
  }

  setQueueAttributes(name: string, attributes: Readonly<Record<string, string>>): void {
    const queue = this.#require(name);
    for (const attribute of Object.keys(attributes)) {
      if (READ_ONLY_ATTRIBUTES.has(attribute)) throw unknownAttribute(attribute);
    }
    const given = normalizeQueueAttributes(attributes, queue.fifo, false);
    this.#assertRedriveTarget(given.RedrivePolicy, queue.fifo);
    for (const [key, value] of Object.entries(given)) queue.attributes.set(key, value);
    this.#dropEmpty(queue);
    queue.lastModifiedTimestamp = Math.floor(this.#now() / 1000);
    this.#notify(queue);
  }

  tagQueue(name: string, tags: Readonly<Record<string, string>>): void {
    const queue = this.#require(name);
    for (const [key, value] of Object.entries(tags)) queue.tags.set(key, value);
  }

  untagQueue(name: string, keys: readonly string[]): void {
    const queue = this.#require(name);
    for (const key of keys) queue.tags.delete(key);
  }

  listQueueTags(name: string): Record<string, string> {
    return Object.fromEntries(this.#require(name).tags);
  }

  /** Names of the queues whose `RedrivePolicy` targets this one. */
  listDeadLetterSourceQueues(name: string): string[] {
    const target = this.#require(name).arn;
    return [...this.#queues.values()]
      .filter(
        (queue) => parseRedrivePolicy(queue.attributes.get('RedrivePolicy'))?.deadLetterTargetArn === target,
      )
      .map((queue) => queue.name)
      .sort();
  }

  sendMessage(name: string, input: SendMessageInput): SendMessageResult {
    const queue = this.#require(name);
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
        if (queue.attributes.get('ContentBasedDeduplication') !== 'true') {
          throw new SqsApiError(
            'InvalidParameterValue',
            'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
          );
        }
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
      this.#expire(queue, now);
      deduplicationKey =
        queue.attributes.get('DeduplicationScope') === 'messageGroup'
          ? `${input.MessageGroupId ?? ''}\u0000${deduplicationId}`
          : deduplicationId;
      const previous = queue.deduplication.get(deduplicationKey);
      if (previous && previous.expiresAt > now) return receipt(previous.messageId, previous.sequenceNumber);
    }

    const messageId = randomUUID();
    const sequenceNumber = queue.fifo ? this.#nextSequenceNumber() : undefined;
    this.#enqueue(queue, {
      messageId,
      body,
      md5OfBody,
      attributes: input.MessageAttributes ?? {},
      md5OfAttributes,
      traceHeader,
      md5OfSystemAttributes,
      sentTimestamp: now,
      senderId: input.SenderId ?? this.accountId,
      groupId: input.MessageGroupId,
      deduplicationId,
      sequenceNumber,
      deadLetterSourceArn: undefined,
      size,
      availableAt: now + delaySeconds * 1000,
      invisibleUntil: 0,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiptNonce: undefined,
    });
    if (deduplicationKey !== undefined) {
      queue.deduplication.set(deduplicationKey, {
        messageId,
        sequenceNumber,
        expiresAt: now + DEDUPLICATION_INTERVAL_MS,
      });
    }
    return receipt(messageId, sequenceNumber);
  }

  sendMessageBatch(
    name: string,
    entries: readonly SendMessageBatchEntry[],
  ): BatchResult<SendMessageResult & { Id: string }> {
    this.#require(name);
    assertBatchEntries(entries);
    const total = entries.reduce(
      (sum, entry) => sum + messageSize(entry.MessageBody ?? '', entry.MessageAttributes),
      0,
    );
    if (total > MAX_MESSAGE_BYTES) {
      throw new SqsApiError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
      );
    }
    return runBatch(entries, (entry) => ({ Id: entry.Id, ...this.sendMessage(name, entry) }));
  }

  /**
   * Receives up to `MaxNumberOfMessages` messages, long-polling for up to `WaitTimeSeconds`
   * (woken early by a send, a visibility change or a delay ending). `signal` ends the wait early
   * with whatever is available.
   */
  async receiveMessages(
    name: string,
    input: ReceiveMessageInput = {},
    signal?: AbortSignal,
  ): Promise<ReceivedMessage[]> {
    const queue = this.#require(name);
    const max =
      integerParameter(
        'MaxNumberOfMessages',
        input.MaxNumberOfMessages,
        1,
        10,
        'Must be between 1 and 10, if provided.',
      ) ?? 1;
    const visibility =
      integerParameter(
        'VisibilityTimeout',
        input.VisibilityTimeout,
        0,
        43_200,
        'Must be between 0 and 43200, if provided.',
      ) ?? Number(queue.attributes.get('VisibilityTimeout'));
    const wait = input.WaitTimeSeconds ?? Number(queue.attributes.get('ReceiveMessageWaitTimeSeconds'));
    if (!Number.isFinite(wait) || wait < 0 || wait > 20) {
      throw invalidParameter('WaitTimeSeconds', wait, 'Must be >= 0 and <= 20, if provided.');
    }
    const deadline = performance.now() + wait * 1000;
    for (;;) {
      if (this.#closed || signal?.aborted || this.#queues.get(name) !== queue) return [];
      const now = this.#now();
      const { picked, nextChangeAt } = this.#collect(queue, max, now);
      if (picked.length > 0) {
        return picked.map((message) => this.#deliver(queue, message, now, visibility, input));
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) return [];
      await waitForChange(queue, Math.min(remaining, nextChangeAt - now), signal);
    }
  }

  /**
   * Deletes the message the handle was issued for. As in AWS, a stale handle of a standard queue
   * (the message was received again since) succeeds without deleting; on a FIFO queue an expired
   * handle is refused.
   */
  deleteMessage(name: string, receiptHandle: string): void {
    const queue = this.#require(name);
    const parts = this.#parseHandle(queue, receiptHandle);
    const message = queue.messages.get(parts.messageId);
    if (!message) return;
    const current = message.receiptNonce === parts.nonce;
    if (queue.fifo && (!current || message.invisibleUntil <= this.#now())) {
      throw invalidParameter('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
    }
    if (!current) return;
    queue.messages.delete(parts.messageId);
    this.#notify(queue);
  }

  deleteMessageBatch(
    name: string,
    entries: readonly { Id: string; ReceiptHandle: string }[],
  ): BatchResult<{ Id: string }> {
    this.#require(name);
    assertBatchEntries(entries);
    return runBatch(entries, (entry) => {
      if (!entry.ReceiptHandle) throw missingParameter('ReceiptHandle');
      this.deleteMessage(name, entry.ReceiptHandle);
      return { Id: entry.Id };
    });
  }

  changeMessageVisibility(name: string, receiptHandle: string, visibilityTimeout: number): void {
    const queue = this.#require(name);
    const seconds = integerParameter(
      'VisibilityTimeout',
      visibilityTimeout,
      0,
      43_200,
      'VisibilityTimeout must be an integer between 0 and 43200',
    );
    if (seconds === undefined) throw missingParameter('VisibilityTimeout');
    const parts = this.#parseHandle(queue, receiptHandle);
    const message = queue.messages.get(parts.messageId);
    if (!message || message.receiptNonce !== parts.nonce) {
      throw invalidParameter(
        'ReceiptHandle',
        receiptHandle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    const now = this.#now();
    if (message.invisibleUntil <= now) {
      throw new SqsApiError('MessageNotInflight', 'The message referred to is not in flight.');
    }
    message.invisibleUntil = now + seconds * 1000;
    this.#notify(queue);
  }

  changeMessageVisibilityBatch(
    name: string,
    entries: readonly { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[],
  ): BatchResult<{ Id: string }> {
    this.#require(name);
    assertBatchEntries(entries);
    return runBatch(entries, (entry) => {
      if (!entry.ReceiptHandle) throw missingParameter('ReceiptHandle');
      this.changeMessageVisibility(name, entry.ReceiptHandle, entry.VisibilityTimeout ?? 0);
      return { Id: entry.Id };
    });
  }

  /**
   * Moves every message that is not in flight out of a dead-letter queue: to `destinationName`, or
   * back to the queue each came from. Moved messages start over (receive count 0). Returns how many moved.
   */
  redrive(deadLetterQueueName: string, destinationName?: string): number {
    const source = this.#require(deadLetterQueueName);
    const destination = destinationName === undefined ? undefined : this.#require(destinationName);
    const now = this.#now();
    this.#expire(source, now);
    let moved = 0;
    for (const message of [...source.messages.values()]) {
      if (message.invisibleUntil > now) continue;
      const originName =
        message.deadLetterSourceArn === undefined
          ? undefined
          : this.queueNameOfArn(message.deadLetterSourceArn);
      const target = destination ?? (originName === undefined ? undefined : this.#queues.get(originName));
      if (!target) continue;
      source.messages.delete(message.messageId);
      this.#enqueue(target, {
        ...message,
        sequenceNumber: target.fifo ? this.#nextSequenceNumber() : undefined,
        deadLetterSourceArn: undefined,
        availableAt: now,
        invisibleUntil: 0,
        receiveCount: 0,
        firstReceiveTimestamp: undefined,
        receiptNonce: undefined,
      });
      moved++;
    }
    this.#notify(source);
    return moved;
  }

  /** StartMessageMoveTask: a dead-letter queue redrive, done at once and recorded as completed. */
  startMessageMoveTask(
    sourceArn: string,
    destinationArn?: string,
    maxNumberOfMessagesPerSecond?: number,
  ): string {
    const sourceName = this.queueNameOfArn(sourceArn);
    if (sourceName === undefined || !this.#queues.has(sourceName)) {
      throw new SqsApiError(
        'ResourceNotFoundException',
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    if (this.listDeadLetterSourceQueues(sourceName).length === 0) {
      throw invalidParameter(
        'SourceArn',
        sourceArn,
        'Source queue must be configured as a Dead Letter Queue.',
      );
    }
    let destinationName: string | undefined;
    if (destinationArn !== undefined) {
      destinationName = this.queueNameOfArn(destinationArn);
      if (destinationName === undefined || !this.#queues.has(destinationName)) {
        throw new SqsApiError(
          'ResourceNotFoundException',
          "The resource that you specified for the DestinationArn parameter doesn't exist.",
        );
      }
    }
    const before = this.#require(sourceName).messages.size;
    const moved = this.redrive(sourceName, destinationName);
    const task: MessageMoveTask = {
      TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn }), 'utf8').toString('base64'),
      Status: 'COMPLETED',
      SourceArn: sourceArn,
      ...(destinationArn !== undefined ? { DestinationArn: destinationArn } : {}),
      ...(maxNumberOfMessagesPerSecond !== undefined
        ? { MaxNumberOfMessagesPerSecond: maxNumberOfMessagesPerSecond }
        : {}),
      ApproximateNumberOfMessagesMoved: moved,
      ApproximateNumberOfMessagesToMove: before,
      StartedTimestamp: this.#now(),
    };
    this.#moveTasks.unshift(task);
    return task.TaskHandle;
  }

  listMessageMoveTasks(sourceArn: string, maxResults = 1): MessageMoveTask[] {
    const sourceName = this.queueNameOfArn(sourceArn);
    if (sourceName === undefined || !this.#queues.has(sourceName)) {
      throw new SqsApiError(
        'ResourceNotFoundException',
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    return this.#moveTasks.filter((task) => task.SourceArn === sourceArn).slice(0, maxResults);
  }

  /** Ends every long poll (they return no messages); later receives return at once. */
  close(): void {
    this.#closed = true;
    for (const queue of this.#queues.values()) this.#notify(queue);
  }

  #require(name: string): QueueState {
    const queue = this.#queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  #dropEmpty(queue: QueueState): void {
    // Setting RedrivePolicy (or Policy ...) to '' removes it, as in AWS.
    for (const [key, value] of queue.attributes) if (value === '') queue.attributes.delete(key);
  }

  #assertRedriveTarget(policyJson: string | undefined, fifo: boolean): void {
    const policy = parseRedrivePolicy(policyJson);
    if (!policy) return;
    const targetName = this.queueNameOfArn(policy.deadLetterTargetArn);
    const target = targetName === undefined ? undefined : this.#queues.get(targetName);
    if (!target) {
      throw invalidParameter('RedrivePolicy', policyJson, 'Dead-letter target does not exist.');
    }
    if (target.fifo !== fifo) {
      throw invalidParameter(
        'RedrivePolicy',
        policyJson,
        'Dead-letter target must be the same type of queue (standard or FIFO) as the source.',
      );
    }
  }

  #nextSequenceNumber(): string {
    this.#sequence += 1n;
    return this.#sequence.toString().padStart(20, '0');
  }

  #enqueue(queue: QueueState, message: StoredMessage): void {
    queue.messages.set(message.messageId, message);
    this.#notify(queue);
  }

  #notify(queue: QueueState): void {
    const waiters = [...queue.waiters];
    queue.waiters.clear();
    for (const wake of waiters) wake();
  }

  #parseHandle(queue: QueueState, receiptHandle: string): ReceiptHandleParts {
    if (typeof receiptHandle !== 'string' || receiptHandle === '') throw missingParameter('ReceiptHandle');
    const parts = decodeReceiptHandle(receiptHandle);
    if (!parts || parts.queueArn !== queue.arn) throw invalidReceiptHandle(receiptHandle);
    return parts;
  }

  #expire(queue: QueueState, now: number): void {
    const retentionMs = Number(queue.attributes.get('MessageRetentionPeriod')) * 1000;
    for (const message of queue.messages.values()) {
      if (message.sentTimestamp + retentionMs <= now) queue.messages.delete(message.messageId);
    }
    for (const [key, entry] of queue.deduplication)
      if (entry.expiresAt <= now) queue.deduplication.delete(key);
  }

  /** Picks deliverable messages in order; FIFO groups with a message in flight or delayed are skipped. */
  #collect(queue: QueueState, max: number, now: number): { picked: StoredMessage[]; nextChangeAt: number } {
    this.#expire(queue, now);
    const picked: StoredMessage[] = [];
    let nextChangeAt = Number.POSITIVE_INFINITY;
    const blockedGroups = new Set<string>();
    if (queue.fifo) {
      for (const message of queue.messages.values()) {
        if (message.invisibleUntil > now && message.groupId !== undefined) blockedGroups.add(message.groupId);
      }
    }
    for (const message of queue.messages.values()) {
      if (picked.length >= max) break;
      const waitingUntil = message.invisibleUntil > now ? message.invisibleUntil : message.availableAt;
      if (waitingUntil > now) {
        nextChangeAt = Math.min(nextChangeAt, waitingUntil);
        if (queue.fifo && message.groupId !== undefined) blockedGroups.add(message.groupId);
        continue;
      }
      if (queue.fifo && message.groupId !== undefined && blockedGroups.has(message.groupId)) continue;
      if (this.#moveToDeadLetterQueue(queue, message, now)) continue;
      picked.push(message);
    }
    return { picked, nextChangeAt };
  }

  /** A message about to be received more than `maxReceiveCount` times goes to the dead-letter queue instead. */
  #moveToDeadLetterQueue(queue: QueueState, message: StoredMessage, now: number): boolean {
    const policy = parseRedrivePolicy(queue.attributes.get('RedrivePolicy'));
    if (!policy || message.receiveCount < policy.maxReceiveCount) return false;
    const targetName = this.queueNameOfArn(policy.deadLetterTargetArn);
    const target = targetName === undefined ? undefined : this.#queues.get(targetName);
    if (!target) return false;
    queue.messages.delete(message.messageId);
    this.#enqueue(target, {
      ...message,
      sequenceNumber: target.fifo ? this.#nextSequenceNumber() : undefined,
      deadLetterSourceArn: queue.arn,
      availableAt: now,
      invisibleUntil: 0,
      receiptNonce: undefined,
    });
    return true;
  }

  #deliver(
    queue: QueueState,
    message: StoredMessage,
    now: number,
    visibilitySeconds: number,
    input: ReceiveMessageInput,
  ): ReceivedMessage {
    message.receiveCount += 1;
    message.firstReceiveTimestamp ??= now;
    message.receiptNonce = randomUUID();
    message.invisibleUntil = now + visibilitySeconds * 1000;
    const receiptHandle = encodeReceiptHandle({
      queueArn: queue.arn,
      messageId: message.messageId,
      nonce: message.receiptNonce,
    });

    const systemNames = new Set(input.MessageSystemAttributeNames ?? []);
    const all = systemNames.has('All');
    const system: Record<string, string | undefined> = {
      SenderId: message.senderId,
      SentTimestamp: String(message.sentTimestamp),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      SequenceNumber: message.sequenceNumber,
      MessageDeduplicationId: message.deduplicationId,
      MessageGroupId: message.groupId,
      AWSTraceHeader: message.traceHeader,
      DeadLetterQueueSourceArn: message.deadLetterSourceArn,
    };
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(system)) {
      if (value !== undefined && (all || systemNames.has(key))) attributes[key] = value;
    }
    const messageAttributes = selectMessageAttributes(message.attributes, input.MessageAttributeNames ?? []);
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

/** `All` and `.*` select every attribute, `prefix.*` those starting with `prefix.`, others match exactly. */
const selectMessageAttributes = (
  attributes: MessageAttributes,
  names: readonly string[],
): MessageAttributes => {
  if (names.length === 0) return {};
  const selected: Record<string, (typeof attributes)[string]> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = names.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
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

const assertBatchEntries = (entries: readonly { Id: string }[] | undefined): void => {
  if (!entries || entries.length === 0) {
    throw new SqsApiError('EmptyBatchRequest', 'There should be at least one entry in the request.');
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsApiError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (typeof Id !== 'string' || !BATCH_ENTRY_ID.test(Id)) {
      throw new SqsApiError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(Id)) throw new SqsApiError('BatchEntryIdsNotDistinct', `Id ${Id} repeated.`);
    seen.add(Id);
  }
};

const runBatch = <E extends { Id: string }, R>(
  entries: readonly E[],
  run: (entry: E) => R,
): BatchResult<R> => {
  const result: BatchResult<R> = { Successful: [], Failed: [] };
  for (const entry of entries) {
    try {
      result.Successful.push(run(entry));
    } catch (error) {
      if (!(error instanceof SqsApiError)) throw error;
      result.Failed.push({
        Id: entry.Id,
        SenderFault: error.senderFault,
        Code: error.queryCode,
        Message: error.message,
      });
    }
  }
  return result;
};
