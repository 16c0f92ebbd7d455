import { randomUUID } from 'node:crypto';
import { invalidParameter, SqsApiError } from './sqs.errors.ts';
import type { QueueState, StoredMessage } from './sqs.state.ts';
import type { MessageMoveTask } from './sqs.types.ts';
import type { SqsMessageStore } from './sqs-message.store.ts';
import type { SqsQueueRegistry } from './sqs-queue.registry.ts';

const resourceNotFound = (parameter: 'SourceArn' | 'DestinationArn'): SqsApiError =>
  new SqsApiError(
    'ResourceNotFoundException',
    `The resource that you specified for the ${parameter} parameter doesn't exist.`,
  );

/**
 * Dead-letter queues: a message about to be received more than its queue's `maxReceiveCount` times
 * goes to the queue's DLQ instead; a redrive (StartMessageMoveTask) moves a DLQ's messages back to
 * where they came from, or to a queue of choice. A move puts the message in the target before taking
 * it from the source, so a crash in between duplicates it rather than losing it.
 */
export class SqsRedrive {
  readonly #registry: SqsQueueRegistry;
  readonly #store: SqsMessageStore;
  readonly #now: () => number;
  readonly #moveTasks: MessageMoveTask[] = [];

  constructor(registry: SqsQueueRegistry, store: SqsMessageStore, now: () => number) {
    this.#registry = registry;
    this.#store = store;
    this.#now = now;
  }

  /** For the message store's receive: true when the message went to the dead-letter queue instead. */
  moveIfExhausted(queue: QueueState, message: StoredMessage, now: number): boolean {
    const deadLetter = this.#registry.deadLetterTargetOf(queue);
    if (!deadLetter || deadLetter.target === queue || message.receiveCount < deadLetter.maxReceiveCount)
      return false;
    this.#move(queue, deadLetter.target, message, now, {
      deadLetterSourceArn: queue.arn,
      receiveCount: message.receiveCount,
      firstReceiveTimestamp: message.firstReceiveTimestamp,
    });
    return true;
  }

  /**
   * Moves every message that is not in flight out of a dead-letter queue: to `destination`, or back
   * to the queue each came from. Moved messages start over (receive count 0). Returns how many moved.
   */
  redrive(source: QueueState, destination?: QueueState): number {
    const now = this.#now();
    this.#store.expire(source, now);
    let moved = 0;
    for (const message of [...source.messages.values()]) {
      if (message.invisibleUntil > now) continue;
      const origin =
        message.deadLetterSourceArn === undefined
          ? undefined
          : this.#registry.byArn(message.deadLetterSourceArn);
      const target = destination ?? origin;
      if (!target || target === source) continue;
      this.#move(source, target, message, now, {
        deadLetterSourceArn: undefined,
        receiveCount: 0,
        firstReceiveTimestamp: undefined,
      });
      moved++;
    }
    return moved;
  }

  /** StartMessageMoveTask: a dead-letter queue redrive, done at once and recorded as completed. */
  startMessageMoveTask(
    region: string,
    sourceArn: string,
    destinationArn?: string,
    maxNumberOfMessagesPerSecond?: number,
  ): string {
    const source = this.#queueOfArn(region, sourceArn);
    if (!source) throw resourceNotFound('SourceArn');
    if (this.#registry.deadLetterSourcesOf(source).length === 0) {
      throw invalidParameter(
        'SourceArn',
        sourceArn,
        'Source queue must be configured as a Dead Letter Queue.',
      );
    }
    let destination: QueueState | undefined;
    if (destinationArn !== undefined) {
      destination = this.#queueOfArn(region, destinationArn);
      if (!destination) throw resourceNotFound('DestinationArn');
    }
    const before = source.messages.size;
    const moved = this.redrive(source, destination);
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

  listMessageMoveTasks(region: string, sourceArn: string, maxResults: number): MessageMoveTask[] {
    if (!this.#queueOfArn(region, sourceArn)) throw resourceNotFound('SourceArn');
    return this.#moveTasks.filter((task) => task.SourceArn === sourceArn).slice(0, maxResults);
  }

  /** A queue of this endpoint's region (an ARN of another region names nothing here). */
  #queueOfArn(region: string, arn: string): QueueState | undefined {
    const parsed = this.#registry.parseArn(arn);
    return parsed?.region === region ? this.#registry.get(region, parsed.name) : undefined;
  }

  #move(
    source: QueueState,
    target: QueueState,
    message: StoredMessage,
    now: number,
    changes: Pick<StoredMessage, 'deadLetterSourceArn' | 'receiveCount' | 'firstReceiveTimestamp'>,
  ): void {
    this.#store.enqueue(target, {
      ...message,
      ...changes,
      sequenceNumber: target.fifo ? this.#store.nextSequenceNumber() : undefined,
      enqueueNonce: randomUUID(),
      availableAt: now,
      invisibleUntil: 0,
    });
    this.#store.remove(source, message.messageId);
  }
}
