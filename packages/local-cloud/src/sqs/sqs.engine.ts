import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { invalidParameter, missingParameter, SqsApiError } from './sqs.errors.ts';
import { SqsJournal } from './sqs.journal.ts';
import { NO_CHANGE_LOG, type QueueState, wakeWaiters } from './sqs.state.ts';
import type {
  BatchResult,
  MessageMoveTask,
  PeekedMessage,
  ReceivedMessage,
  ReceiveMessageInput,
  SendMessageBatchEntry,
  SendMessageInput,
  SendMessageResult,
} from './sqs.types.ts';
import { assertBatchEntries, runBatch } from './sqs-batch.ts';
import { SqsMessageStore } from './sqs-message.store.ts';
import { integerParameter, messageSize } from './sqs-message.validation.ts';
import { isKnownAttributeName, MAX_MESSAGE_BYTES, unknownAttribute } from './sqs-queue.attributes.ts';
import type { PermissionGrant } from './sqs-queue.policy.ts';
import { SqsQueueRegistry } from './sqs-queue.registry.ts';
import { SqsRedrive } from './sqs-redrive.ts';

export interface SqsEngineOptions {
  readonly accountId?: string;
  /** The region of this engine's queues; {@link SqsEngine.inRegion} serves the others. Default us-east-1. */
  readonly region?: string;
  /** Clock in epoch milliseconds (tests move time forward for retention and de-duplication). */
  readonly now?: () => number;
  /** AWS allows one PurgeQueue per queue every 60 s; 0 lifts the limit. */
  readonly purgeCooldownSeconds?: number;
  /**
   * Keeps every region's queues and messages in this directory (`--persist`) and restores them on
   * the next start; see {@link SqsJournal}. In memory only when absent.
   */
  readonly dataDir?: string;
}

/** What the engines of every region share: one account's queues, messages, redrives and journal. */
class SqsCore {
  readonly registry: SqsQueueRegistry;
  readonly store: SqsMessageStore;
  readonly redrive: SqsRedrive;
  readonly journal: SqsJournal | undefined;
  readonly now: () => number;
  readonly purgeCooldownMs: number;
  readonly views = new Map<string, SqsEngine>();
  closed = false;

  constructor(options: SqsEngineOptions, accountId: string) {
    this.now = options.now ?? Date.now;
    this.purgeCooldownMs = (options.purgeCooldownSeconds ?? 60) * 1000;
    this.journal = options.dataDir === undefined ? undefined : SqsJournal.open(options.dataDir);
    const changes = this.journal ?? NO_CHANGE_LOG;
    this.registry = new SqsQueueRegistry({ accountId, now: this.now, changes });
    this.store = new SqsMessageStore({ now: this.now, changes, defaultSenderId: accountId });
    this.redrive = new SqsRedrive(this.registry, this.store, this.now);
    this.journal?.load(this.registry, this.store);
  }
}

const SHARED_CORE = Symbol('shared SQS core');
type ViewOptions = SqsEngineOptions & { readonly [SHARED_CORE]?: SqsCore };

/**
 * Amazon SQS for one account: standard and FIFO queues with visibility timeouts, long polling,
 * delays, FIFO ordering and de-duplication, retention, redrive to dead-letter queues, tags and
 * permissions, optionally kept on disk. It knows nothing of HTTP: the edge handler and the
 * event-source pollers both call it directly.
 *
 * An engine serves the queues of one region, addressed by name; `inRegion` gives the engine of
 * another region over the same state (as each AWS regional endpoint serves its own queues).
 *
 * The parts: `SqsQueueRegistry` (queues, attributes, tags, permissions), `SqsMessageStore`
 * (message lifecycle and receipt handles), `SqsRedrive` (dead-letter queues and move tasks),
 * `SqsJournal` (persistence).
 */
export class SqsEngine {
  readonly accountId: string;
  readonly region: string;
  readonly #core: SqsCore;

  constructor(options: SqsEngineOptions = {}) {
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? LOCAL_REGION;
    this.#core = (options as ViewOptions)[SHARED_CORE] ?? new SqsCore(options, this.accountId);
    this.#core.views.set(this.region, this);
  }

  /** The engine of `region`'s queues, sharing this one's state, journal and lifetime. */
  inRegion(region: string): SqsEngine {
    const existing = this.#core.views.get(region);
    if (existing) return existing;
    const options: ViewOptions = { accountId: this.accountId, region, [SHARED_CORE]: this.#core };
    return new SqsEngine(options);
  }

  queueArn(name: string): string {
    return this.#core.registry.arnOf(this.region, name);
  }

  /** `arn:aws:sqs:<region>:<account>:<name>` -> name, when the ARN names a queue of this engine's region. */
  queueNameOfArn(arn: string): string | undefined {
    const parsed = this.#core.registry.parseArn(arn);
    return parsed?.region === this.region ? parsed.name : undefined;
  }

  /** True once close() ran. */
  get closed(): boolean {
    return this.#core.closed;
  }

  hasQueue(name: string): boolean {
    return this.#core.registry.get(this.region, name) !== undefined;
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
    const queue = this.#core.registry.create(this.region, name, attributes, tags);
    return { name, arn: queue.arn };
  }

  deleteQueue(name: string): void {
    this.#core.registry.delete(this.#require(name));
  }

  /** Queue names (sorted), optionally those starting with `prefix`. */
  listQueues(prefix = ''): string[] {
    return this.#core.registry.names(this.region, prefix);
  }

  purgeQueue(name: string): void {
    const queue = this.#require(name);
    const now = this.#core.now();
    if (queue.lastPurgeAt !== undefined && now - queue.lastPurgeAt < this.#core.purgeCooldownMs) {
      throw new SqsApiError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
      );
    }
    this.#core.store.purge(queue);
  }

  /** `names` may hold `All`; unknown names raise `InvalidAttributeName`. */
  getQueueAttributes(name: string, names: readonly string[] = ['All']): Record<string, string> {
    const queue = this.#require(name);
    for (const attribute of names) {
      if (attribute !== 'All' && !isKnownAttributeName(attribute, queue.fifo))
        throw unknownAttribute(attribute);
    }
    const counts = this.#core.store.counts(queue);
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
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
    this.#core.registry.setAttributes(this.#require(name), attributes);
  }

  tagQueue(name: string, tags: Readonly<Record<string, string>>): void {
    this.#core.registry.tag(this.#require(name), tags);
  }

  untagQueue(name: string, keys: readonly string[]): void {
    this.#core.registry.untag(this.#require(name), keys);
  }

  listQueueTags(name: string): Record<string, string> {
    return Object.fromEntries(this.#require(name).tags);
  }

  /** AddPermission: a statement in the queue's `Policy` allowing `actions` to the root of each account. */
  addPermission(name: string, grant: PermissionGrant): void {
    this.#core.registry.addPermission(this.#require(name), grant);
  }

  removePermission(name: string, label: string): void {
    this.#core.registry.removePermission(this.#require(name), label);
  }

  /** Names of the queues whose `RedrivePolicy` targets this one. */
  listDeadLetterSourceQueues(name: string): string[] {
    return this.#core.registry.deadLetterSourcesOf(this.#require(name)).map((queue) => queue.name);
  }

  sendMessage(name: string, input: SendMessageInput): SendMessageResult {
    return this.#core.store.send(this.#require(name), input);
  }

  /**
   * Sends each entry on its own (a bad entry fails alone), except for what AWS refuses for the whole
   * request: an empty, oversized or malformed batch, and FIFO entries without their ids.
   */
  sendMessageBatch(
    name: string,
    entries: readonly SendMessageBatchEntry[],
  ): BatchResult<SendMessageResult & { Id: string }> {
    const queue = this.#require(name);
    assertBatchEntries('SendMessageBatch', entries);
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
    for (const entry of entries) this.#core.store.assertBatchEntryIds(queue, entry);
    return runBatch(entries, (entry) => ({ Id: entry.Id, ...this.#core.store.send(queue, entry) }));
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
    const visibilitySeconds =
      integerParameter(
        'VisibilityTimeout',
        input.VisibilityTimeout,
        0,
        43_200,
        'Must be between 0 and 43200, if provided.',
      ) ?? Number(queue.attributes.get('VisibilityTimeout'));
    const waitSeconds =
      input.WaitTimeSeconds ?? Number(queue.attributes.get('ReceiveMessageWaitTimeSeconds'));
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > 20) {
      throw invalidParameter('WaitTimeSeconds', waitSeconds, 'Must be >= 0 and <= 20, if provided.');
    }
    const core = this.#core;
    return core.store.receive(queue, {
      max,
      visibilitySeconds,
      waitSeconds,
      systemAttributeNames: input.MessageSystemAttributeNames ?? [],
      messageAttributeNames: input.MessageAttributeNames ?? [],
      signal,
      stillServing: () => !core.closed && core.registry.get(queue.region, queue.name) === queue,
      divert: (message, now) => core.redrive.moveIfExhausted(queue, message, now),
    });
  }

  /** Messages as they stand (state, receive count), without receiving them: a local look, not an SQS API. */
  peekMessages(name: string, limit = 10): PeekedMessage[] {
    const checked = integerParameter('limit', limit, 1, 1000, 'Must be between 1 and 1000.') ?? 10;
    return this.#core.store.peek(this.#require(name), checked);
  }

  /** Deletes the message a handle was issued for; see {@link SqsMessageStore.delete} for stale handles. */
  deleteMessage(name: string, receiptHandle: string): void {
    this.#core.store.delete(this.#require(name), receiptHandle);
  }

  deleteMessageBatch(
    name: string,
    entries: readonly { Id: string; ReceiptHandle: string }[],
  ): BatchResult<{ Id: string }> {
    const queue = this.#require(name);
    assertBatchEntries('DeleteMessageBatch', entries);
    return runBatch(entries, (entry) => {
      if (!entry.ReceiptHandle) throw missingParameter('ReceiptHandle');
      this.#core.store.delete(queue, entry.ReceiptHandle);
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
    this.#core.store.changeVisibility(queue, receiptHandle, seconds);
  }

  changeMessageVisibilityBatch(
    name: string,
    entries: readonly { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[],
  ): BatchResult<{ Id: string }> {
    this.#require(name);
    assertBatchEntries('ChangeMessageVisibilityBatch', entries);
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
    return this.#core.redrive.redrive(source, destination);
  }

  /** StartMessageMoveTask: a dead-letter queue redrive, done at once and recorded as completed. */
  startMessageMoveTask(
    sourceArn: string,
    destinationArn?: string,
    maxNumberOfMessagesPerSecond?: number,
  ): string {
    return this.#core.redrive.startMessageMoveTask(
      this.region,
      sourceArn,
      destinationArn,
      maxNumberOfMessagesPerSecond,
    );
  }

  listMessageMoveTasks(sourceArn: string, maxResults = 1): MessageMoveTask[] {
    return this.#core.redrive.listMessageMoveTasks(this.region, sourceArn, maxResults);
  }

  /**
   * Ends every long poll of every region (they return no messages; later receives return at once)
   * and, with a data dir, writes the state to disk and lets the dir go.
   */
  close(): void {
    const core = this.#core;
    if (core.closed) return;
    core.closed = true;
    for (const queue of core.registry.all()) wakeWaiters(queue);
    core.journal?.close();
  }

  #require(name: string): QueueState {
    return this.#core.registry.require(this.region, name);
  }
}
