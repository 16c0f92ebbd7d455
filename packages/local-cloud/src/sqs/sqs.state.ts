import type { MessageAttributes } from './sqs.types.ts';

/** One message as a queue holds it. The mutable fields are what receives and visibility changes move. */
export interface StoredMessage {
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
  /** Drawn when the message enters this queue; its receipt handles carry it. */
  readonly enqueueNonce: string;
  /** Epoch ms when a delay ends. */
  availableAt: number;
  /** Epoch ms when the current receive's visibility timeout ends (0: never received or released). */
  invisibleUntil: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
}

export interface DeduplicationEntry {
  readonly messageId: string;
  readonly sequenceNumber: string | undefined;
  readonly expiresAt: number;
}

export interface QueueState {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  /** Epoch seconds, as GetQueueAttributes reports them. */
  readonly createdTimestamp: number;
  lastModifiedTimestamp: number;
  readonly attributes: Map<string, string>;
  tags: Map<string, string>;
  /** Insertion order is delivery order. */
  readonly messages: Map<string, StoredMessage>;
  readonly deduplication: Map<string, DeduplicationEntry>;
  /** Long polls waiting on this queue; woken by anything that may make a message deliverable. */
  readonly waiters: Set<() => void>;
  lastPurgeAt: number | undefined;
}

/**
 * What changed in the SQS state, told after each change is made, so a journal can keep it on disk.
 * A change made of several steps (a move to a dead-letter queue) is told target first, then source,
 * so a crash between the two duplicates a message rather than losing it.
 */
export interface SqsChangeLog {
  queueSaved(queue: QueueState): void;
  queueDeleted(queue: QueueState): void;
  queuePurged(queue: QueueState): void;
  messagePut(queue: QueueState, message: StoredMessage, deduplicationKey?: string): void;
  messageChanged(queue: QueueState, message: StoredMessage): void;
  messageRemoved(queue: QueueState, messageId: string): void;
}

export const NO_CHANGE_LOG: SqsChangeLog = {
  queueSaved: () => {},
  queueDeleted: () => {},
  queuePurged: () => {},
  messagePut: () => {},
  messageChanged: () => {},
  messageRemoved: () => {},
};

export const wakeWaiters = (queue: QueueState): void => {
  const waiters = [...queue.waiters];
  queue.waiters.clear();
  for (const wake of waiters) wake();
};
