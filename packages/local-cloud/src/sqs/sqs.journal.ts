import {
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { isProcessAlive } from '../process/child-process.ts';
import type { DeduplicationEntry, QueueState, SqsChangeLog, StoredMessage } from './sqs.state.ts';
import type { MessageAttributes, MessageAttributeValue } from './sqs.types.ts';
import type { SqsMessageStore } from './sqs-message.store.ts';
import type { SqsQueueRegistry } from './sqs-queue.registry.ts';

const SNAPSHOT_FILE = 'snapshot.json';
const JOURNAL_FILE = 'journal.ndjson';
const LOCK_FILE = 'owner.pid';
const FORMAT = 1;
/** The journal is folded into a fresh snapshot once it grows past this. */
const COMPACT_AFTER_BYTES = 8 * 1024 * 1024;
/** How far behind the disk (not the process) may be: a machine crash loses at most this much. */
const FSYNC_INTERVAL_MS = 1000;

export class SqsDataDirInUseError extends Error {
  override readonly name = 'SqsDataDirInUseError';
  readonly code = 'SQS.DATA_DIR_IN_USE';
}

interface QueueRecord {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly createdTimestamp: number;
  readonly lastModifiedTimestamp: number;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly lastPurgeAt?: number;
}

interface AttributeRecord {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

type MessageRecord = Omit<StoredMessage, 'attributes'> & {
  readonly attributes: Record<string, AttributeRecord>;
};

type JournalEntry =
  | { readonly op: 'queue'; readonly queue: QueueRecord }
  | { readonly op: 'queue-deleted'; readonly region: string; readonly name: string }
  | { readonly op: 'purged'; readonly region: string; readonly name: string; readonly at: number }
  | {
      readonly op: 'put';
      readonly region: string;
      readonly name: string;
      readonly message: MessageRecord;
      readonly deduplicationKey?: string;
      readonly deduplicationExpiresAt?: number;
    }
  | {
      readonly op: 'state';
      readonly region: string;
      readonly name: string;
      readonly id: string;
      readonly receiveCount: number;
      readonly firstReceiveTimestamp?: number;
      readonly invisibleUntil: number;
    }
  | { readonly op: 'gone'; readonly region: string; readonly name: string; readonly id: string };

interface Snapshot {
  readonly format: number;
  readonly sequence: string;
  readonly queues: readonly {
    readonly queue: QueueRecord;
    readonly messages: readonly MessageRecord[];
    readonly deduplication: readonly (readonly [string, DeduplicationEntry])[];
  }[];
}

const toAttributeRecords = (attributes: MessageAttributes): Record<string, AttributeRecord> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined
          ? { BinaryValue: Buffer.from(value.BinaryValue).toString('base64') }
          : {}),
      },
    ]),
  );

const fromAttributeRecords = (records: Record<string, AttributeRecord>): MessageAttributes =>
  Object.fromEntries(
    Object.entries(records).map(([name, record]): [string, MessageAttributeValue] => [
      name,
      {
        DataType: record.DataType,
        ...(record.StringValue !== undefined ? { StringValue: record.StringValue } : {}),
        ...(record.BinaryValue !== undefined
          ? { BinaryValue: new Uint8Array(Buffer.from(record.BinaryValue, 'base64')) }
          : {}),
      },
    ]),
  );

const toMessageRecord = (message: StoredMessage): MessageRecord => ({
  ...message,
  attributes: toAttributeRecords(message.attributes),
});

// JSON drops undefined fields; they come back as missing, which the optional fields allow.
const fromMessageRecord = (record: MessageRecord): StoredMessage => ({
  ...record,
  attributes: fromAttributeRecords(record.attributes),
});

const toQueueRecord = (queue: QueueState): QueueRecord => ({
  region: queue.region,
  name: queue.name,
  arn: queue.arn,
  fifo: queue.fifo,
  createdTimestamp: queue.createdTimestamp,
  lastModifiedTimestamp: queue.lastModifiedTimestamp,
  attributes: Object.fromEntries(queue.attributes),
  tags: Object.fromEntries(queue.tags),
  ...(queue.lastPurgeAt !== undefined ? { lastPurgeAt: queue.lastPurgeAt } : {}),
});

const fromQueueRecord = (record: QueueRecord): QueueState => ({
  region: record.region,
  name: record.name,
  arn: record.arn,
  fifo: record.fifo,
  createdTimestamp: record.createdTimestamp,
  lastModifiedTimestamp: record.lastModifiedTimestamp,
  attributes: new Map(Object.entries(record.attributes)),
  tags: new Map(Object.entries(record.tags)),
  messages: new Map(),
  deduplication: new Map(),
  waiters: new Set(),
  lastPurgeAt: record.lastPurgeAt,
});

/** Data dirs held by engines of this process (the pid file cannot tell two of them apart). */
const heldHere = new Set<string>();

/**
 * Keeps the SQS state of an engine in a data dir: a snapshot plus an append-only journal of every
 * change since. Each change is written (one `write`, no `fsync`) before the API call that made it
 * answers, so a process that dies, even by SIGKILL, loses nothing it acknowledged: the operating
 * system still holds the write. The journal is fsync'ed within a second and on close, so a machine
 * crash loses at most the last second. On open the snapshot and journal are replayed and folded into
 * a new snapshot; the same happens on close and whenever the journal passes 8 MiB.
 *
 * Times are stored as they are (epoch ms), so a message that was in flight when the process died
 * becomes visible again when its visibility timeout ends, as it would in AWS, and its earlier
 * receipt handles still work.
 */
export class SqsJournal implements SqsChangeLog {
  readonly dir: string;
  readonly #journalPath: string;
  readonly #snapshotPath: string;
  readonly #lockPath: string;
  #fd: number | undefined;
  #bytes = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #registry: SqsQueueRegistry | undefined;
  #store: SqsMessageStore | undefined;

  private constructor(dir: string) {
    this.dir = dir;
    this.#journalPath = join(dir, JOURNAL_FILE);
    this.#snapshotPath = join(dir, SNAPSHOT_FILE);
    this.#lockPath = join(dir, LOCK_FILE);
  }

  /** Takes the data dir for this process; refused while another live process (or engine here) holds it. */
  static open(given: string): SqsJournal {
    const dir = resolve(given);
    mkdirSync(dir, { recursive: true });
    const journal = new SqsJournal(dir);
    if (heldHere.has(dir)) throw new SqsDataDirInUseError(`${dir} is already open in this process`);
    const owner = existsSync(journal.#lockPath) ? Number(readFileSync(journal.#lockPath, 'utf8')) : undefined;
    if (
      owner !== undefined &&
      owner !== process.pid &&
      Number.isInteger(owner) &&
      owner > 0 &&
      isProcessAlive(owner)
    ) {
      throw new SqsDataDirInUseError(`${dir} is in use by process ${owner}`);
    }
    writeFileSync(journal.#lockPath, String(process.pid));
    heldHere.add(dir);
    return journal;
  }

  /**
   * Restores what the dir holds into the registry and store, then starts a fresh journal. If the dir
   * cannot be read, it is let go untouched (nothing is rewritten) and the error thrown.
   */
  load(registry: SqsQueueRegistry, store: SqsMessageStore): void {
    try {
      this.#load(registry, store);
    } catch (error) {
      if (this.#timer) clearInterval(this.#timer);
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = undefined;
      this.#registry = undefined;
      this.#release();
      throw error;
    }
  }

  #load(registry: SqsQueueRegistry, store: SqsMessageStore): void {
    this.#registry = registry;
    this.#store = store;
    const queues = new Map<string, QueueState>();
    const keyOf = (region: string, name: string) => `${region}\u0000${name}`;
    if (existsSync(this.#snapshotPath)) {
      // Written by this class only (atomically, by rename), so it is trusted as it is.
      const snapshot = JSON.parse(readFileSync(this.#snapshotPath, 'utf8')) as Snapshot;
      if (snapshot.format !== FORMAT)
        throw new Error(`${this.#snapshotPath}: unknown format ${snapshot.format}`);
      store.observeSequenceNumber(BigInt(snapshot.sequence));
      for (const saved of snapshot.queues) {
        const queue = fromQueueRecord(saved.queue);
        for (const message of saved.messages)
          queue.messages.set(message.messageId, fromMessageRecord(message));
        for (const [key, entry] of saved.deduplication) queue.deduplication.set(key, entry);
        queues.set(keyOf(queue.region, queue.name), queue);
      }
    }
    if (existsSync(this.#journalPath)) {
      const lines = readFileSync(this.#journalPath, 'utf8').split('\n');
      for (const line of lines) {
        if (line === '') continue;
        let entry: JournalEntry;
        try {
          entry = JSON.parse(line) as JournalEntry;
        } catch {
          // Only the last line can be torn (a crash mid-write); its change was never acknowledged.
          continue;
        }
        this.#apply(entry, queues, keyOf);
      }
    }
    for (const queue of queues.values()) {
      registry.restore(queue);
      for (const message of queue.messages.values()) store.observeSequenceNumber(message.sequenceNumber);
    }
    this.#fd = openSync(this.#journalPath, 'a');
    this.compact();
    this.#timer = setInterval(() => this.#flushSoon(), FSYNC_INTERVAL_MS);
    this.#timer.unref();
  }

  queueSaved(queue: QueueState): void {
    this.#append({ op: 'queue', queue: toQueueRecord(queue) });
  }

  queueDeleted(queue: QueueState): void {
    this.#append({ op: 'queue-deleted', region: queue.region, name: queue.name });
  }

  queuePurged(queue: QueueState): void {
    this.#append({ op: 'purged', region: queue.region, name: queue.name, at: queue.lastPurgeAt ?? 0 });
  }

  messagePut(queue: QueueState, message: StoredMessage, deduplicationKey?: string): void {
    const deduplication =
      deduplicationKey === undefined ? undefined : queue.deduplication.get(deduplicationKey);
    this.#append({
      op: 'put',
      region: queue.region,
      name: queue.name,
      message: toMessageRecord(message),
      ...(deduplicationKey !== undefined && deduplication
        ? { deduplicationKey, deduplicationExpiresAt: deduplication.expiresAt }
        : {}),
    });
  }

  messageChanged(queue: QueueState, message: StoredMessage): void {
    this.#append({
      op: 'state',
      region: queue.region,
      name: queue.name,
      id: message.messageId,
      receiveCount: message.receiveCount,
      ...(message.firstReceiveTimestamp !== undefined
        ? { firstReceiveTimestamp: message.firstReceiveTimestamp }
        : {}),
      invisibleUntil: message.invisibleUntil,
    });
  }

  messageRemoved(queue: QueueState, messageId: string): void {
    this.#append({ op: 'gone', region: queue.region, name: queue.name, id: messageId });
  }

  /** Writes the whole state as a new snapshot (atomically) and empties the journal. */
  compact(): void {
    const registry = this.#registry;
    const store = this.#store;
    if (!registry || !store || this.#fd === undefined) return;
    const snapshot: Snapshot = {
      format: FORMAT,
      sequence: store.sequence.toString(),
      queues: [...registry.all()].map((queue) => ({
        queue: toQueueRecord(queue),
        messages: [...queue.messages.values()].map(toMessageRecord),
        deduplication: [...queue.deduplication],
      })),
    };
    const temporary = `${this.#snapshotPath}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, JSON.stringify(snapshot));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.#snapshotPath);
    // The rename must be on disk before the journal it replaces is emptied.
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    ftruncateSync(this.#fd, 0);
    this.#bytes = 0;
    this.#dirty = false;
  }

  /** Folds the journal into the snapshot and lets the data dir go. */
  close(): void {
    if (this.#fd === undefined) return;
    if (this.#timer) clearInterval(this.#timer);
    try {
      this.compact();
    } finally {
      closeSync(this.#fd);
      this.#fd = undefined;
      this.#release();
    }
  }

  #release(): void {
    rmSync(this.#lockPath, { force: true });
    heldHere.delete(this.dir);
  }

  #append(entry: JournalEntry): void {
    if (this.#fd === undefined) return;
    const line = `${JSON.stringify(entry)}\n`;
    this.#bytes += writeSync(this.#fd, line);
    this.#dirty = true;
    if (this.#bytes > COMPACT_AFTER_BYTES) this.compact();
  }

  #flushSoon(): void {
    const fd = this.#fd;
    if (!this.#dirty || fd === undefined) return;
    this.#dirty = false;
    fsync(fd, () => {
      // A failed fsync leaves the data in the page cache; the next interval or close tries again.
    });
  }

  #apply(
    entry: JournalEntry,
    queues: Map<string, QueueState>,
    keyOf: (region: string, name: string) => string,
  ): void {
    if (entry.op === 'queue') {
      const key = keyOf(entry.queue.region, entry.queue.name);
      const existing = queues.get(key);
      const restored = fromQueueRecord(entry.queue);
      if (existing) {
        // Metadata changed: keep its messages.
        for (const [id, message] of existing.messages) restored.messages.set(id, message);
        for (const [k, d] of existing.deduplication) restored.deduplication.set(k, d);
      }
      queues.set(key, restored);
      return;
    }
    const queue = queues.get(keyOf(entry.region, entry.name));
    if (entry.op === 'queue-deleted') {
      queues.delete(keyOf(entry.region, entry.name));
      return;
    }
    if (!queue) return;
    switch (entry.op) {
      case 'purged':
        queue.messages.clear();
        queue.lastPurgeAt = entry.at;
        return;
      case 'put': {
        const message = fromMessageRecord(entry.message);
        queue.messages.set(message.messageId, message);
        if (entry.deduplicationKey !== undefined && entry.deduplicationExpiresAt !== undefined) {
          queue.deduplication.set(entry.deduplicationKey, {
            messageId: message.messageId,
            sequenceNumber: message.sequenceNumber,
            expiresAt: entry.deduplicationExpiresAt,
          });
        }
        this.#store?.observeSequenceNumber(message.sequenceNumber);
        return;
      }
      case 'state': {
        const message = queue.messages.get(entry.id);
        if (!message) return;
        message.receiveCount = entry.receiveCount;
        message.firstReceiveTimestamp = entry.firstReceiveTimestamp;
        message.invisibleUntil = entry.invisibleUntil;
        return;
      }
      case 'gone':
        queue.messages.delete(entry.id);
        return;
    }
  }
}
