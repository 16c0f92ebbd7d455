import { invalidParameter, queueDoesNotExist, SqsApiError } from './sqs.errors.ts';
import { type QueueState, type SqsChangeLog, wakeWaiters } from './sqs.state.ts';
import {
  FIFO_DEFAULTS,
  normalizeQueueAttributes,
  parseRedrivePolicy,
  READ_ONLY_ATTRIBUTES,
  STANDARD_DEFAULTS,
  unknownAttribute,
} from './sqs-queue.attributes.ts';
import { type PermissionGrant, policyWithoutPermission, policyWithPermission } from './sqs-queue.policy.ts';
import { assertTagKeysToRemove, tagsAfterAdding } from './sqs-queue.tags.ts';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export interface SqsQueueRegistryOptions {
  readonly accountId: string;
  readonly now: () => number;
  readonly changes: SqsChangeLog;
}

/**
 * The queues of one account, per region (an SQS endpoint serves one region, so a queue created
 * through one is unknown to the others): their attributes, tags and permissions. Messages are the
 * message store's.
 */
export class SqsQueueRegistry {
  readonly accountId: string;
  readonly #now: () => number;
  readonly #changes: SqsChangeLog;
  readonly #regions = new Map<string, Map<string, QueueState>>();

  constructor(options: SqsQueueRegistryOptions) {
    this.accountId = options.accountId;
    this.#now = options.now;
    this.#changes = options.changes;
  }

  arnOf(region: string, name: string): string {
    return `arn:aws:sqs:${region}:${this.accountId}:${name}`;
  }

  /** `arn:aws:sqs:<region>:<account>:<name>` of this account -> its region and name. */
  parseArn(arn: string): { region: string; name: string } | undefined {
    const [prefix, partition, service, region, account, name, ...rest] = arn.split(':');
    if (prefix !== 'arn' || partition !== 'aws' || service !== 'sqs' || rest.length > 0) return undefined;
    if (!region || account !== this.accountId || !name) return undefined;
    return { region, name };
  }

  get(region: string, name: string): QueueState | undefined {
    return this.#regions.get(region)?.get(name);
  }

  require(region: string, name: string): QueueState {
    const queue = this.get(region, name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  byArn(arn: string): QueueState | undefined {
    const parsed = this.parseArn(arn);
    return parsed && this.get(parsed.region, parsed.name);
  }

  /** Queue names of a region (sorted), optionally those starting with `prefix`. */
  names(region: string, prefix = ''): string[] {
    return [...(this.#regions.get(region)?.keys() ?? [])].filter((name) => name.startsWith(prefix)).sort();
  }

  /** Every queue of every region. */
  *all(): Generator<QueueState> {
    for (const queues of this.#regions.values()) yield* queues.values();
  }

  /**
   * Creates a queue, or returns the existing one when every given attribute matches it
   * (`QueueNameExists` otherwise), as CreateQueue does.
   */
  create(
    region: string,
    name: string,
    attributes: Readonly<Record<string, string>>,
    tags: Readonly<Record<string, string>>,
  ): QueueState {
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
    const existing = this.get(region, name);
    if (existing) {
      for (const [key, value] of Object.entries(given)) {
        if (existing.attributes.get(key) !== value) {
          throw new SqsApiError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${key}`,
          );
        }
      }
      return existing;
    }
    this.#assertRedriveTarget(region, given.RedrivePolicy, fifo);
    const nowSeconds = Math.floor(this.#now() / 1000);
    const queue: QueueState = {
      region,
      name,
      arn: this.arnOf(region, name),
      fifo,
      createdTimestamp: nowSeconds,
      lastModifiedTimestamp: nowSeconds,
      attributes: new Map(Object.entries({ ...(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS), ...given })),
      tags: tagsAfterAdding(name, new Map(), tags, { required: false }),
      messages: new Map(),
      deduplication: new Map(),
      waiters: new Set(),
      lastPurgeAt: undefined,
    };
    dropEmptyAttributes(queue);
    this.restore(queue);
    this.#changes.queueSaved(queue);
    return queue;
  }

  /** Puts a queue in place as it is (the journal restoring state): no checks, nothing told. */
  restore(queue: QueueState): void {
    let queues = this.#regions.get(queue.region);
    if (!queues) {
      queues = new Map();
      this.#regions.set(queue.region, queues);
    }
    queues.set(queue.name, queue);
  }

  delete(queue: QueueState): void {
    this.#regions.get(queue.region)?.delete(queue.name);
    this.#changes.queueDeleted(queue);
    wakeWaiters(queue);
  }

  setAttributes(queue: QueueState, attributes: Readonly<Record<string, string>>): void {
    for (const attribute of Object.keys(attributes)) {
      if (READ_ONLY_ATTRIBUTES.has(attribute)) throw unknownAttribute(attribute);
    }
    const given = normalizeQueueAttributes(attributes, queue.fifo, false);
    this.#assertRedriveTarget(queue.region, given.RedrivePolicy, queue.fifo);
    for (const [key, value] of Object.entries(given)) queue.attributes.set(key, value);
    dropEmptyAttributes(queue);
    this.#touch(queue);
    wakeWaiters(queue);
  }

  tag(queue: QueueState, tags: Readonly<Record<string, string>>): void {
    queue.tags = tagsAfterAdding(queue.name, queue.tags, tags, { required: true });
    this.#changes.queueSaved(queue);
  }

  untag(queue: QueueState, keys: readonly string[]): void {
    assertTagKeysToRemove(keys);
    for (const key of keys) queue.tags.delete(key);
    this.#changes.queueSaved(queue);
  }

  addPermission(queue: QueueState, grant: PermissionGrant): void {
    queue.attributes.set('Policy', policyWithPermission(queue.attributes.get('Policy'), queue.arn, grant));
    this.#touch(queue);
  }

  removePermission(queue: QueueState, label: string): void {
    const policy = policyWithoutPermission(queue.attributes.get('Policy'), queue.arn, label);
    if (policy === undefined) queue.attributes.delete('Policy');
    else queue.attributes.set('Policy', policy);
    this.#touch(queue);
  }

  /** The queues of the same region whose `RedrivePolicy` targets this one. */
  deadLetterSourcesOf(target: QueueState): QueueState[] {
    return [...(this.#regions.get(target.region)?.values() ?? [])]
      .filter(
        (queue) =>
          parseRedrivePolicy(queue.attributes.get('RedrivePolicy'))?.deadLetterTargetArn === target.arn,
      )
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The dead-letter queue a queue's `RedrivePolicy` names, with its `maxReceiveCount`. */
  deadLetterTargetOf(queue: QueueState): { target: QueueState; maxReceiveCount: number } | undefined {
    const policy = parseRedrivePolicy(queue.attributes.get('RedrivePolicy'));
    const target = policy && this.byArn(policy.deadLetterTargetArn);
    return policy && target ? { target, maxReceiveCount: policy.maxReceiveCount } : undefined;
  }

  #touch(queue: QueueState): void {
    queue.lastModifiedTimestamp = Math.floor(this.#now() / 1000);
    this.#changes.queueSaved(queue);
  }

  /** A dead-letter queue must exist, in the same account and region, and be of the same type. */
  #assertRedriveTarget(region: string, policyJson: string | undefined, fifo: boolean): void {
    const policy = parseRedrivePolicy(policyJson);
    if (!policy) return;
    const parsed = this.parseArn(policy.deadLetterTargetArn);
    const target = parsed?.region === region ? this.get(region, parsed.name) : undefined;
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
}

/** Setting an attribute such as RedrivePolicy or Policy to '' removes it, as in AWS. */
const dropEmptyAttributes = (queue: QueueState): void => {
  for (const [key, value] of queue.attributes) if (value === '') queue.attributes.delete(key);
};
