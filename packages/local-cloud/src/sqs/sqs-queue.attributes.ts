import { SqsApiError } from './sqs.errors.ts';

/** The largest message AWS accepts (and the default `MaximumMessageSize` of a new queue). */
export const MAX_MESSAGE_BYTES = 1_048_576;

export const STANDARD_DEFAULTS: Readonly<Record<string, string>> = {
  DelaySeconds: '0',
  MaximumMessageSize: String(MAX_MESSAGE_BYTES),
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

export const FIFO_DEFAULTS: Readonly<Record<string, string>> = {
  ...STANDARD_DEFAULTS,
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

/** Attributes SQS computes; readable, never settable. */
export const READ_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set([
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
]);

const FIFO_ONLY: ReadonlySet<string> = new Set([
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

const invalidValue = (name: string): SqsApiError =>
  new SqsApiError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);

export const unknownAttribute = (name: string): SqsApiError =>
  new SqsApiError('InvalidAttributeName', `Unknown Attribute ${name}.`);

const integerIn =
  (min: number, max: number) =>
  (name: string, value: string): string => {
    if (!/^\d+$/.test(value.trim())) throw invalidValue(name);
    const n = Number(value.trim());
    if (n < min || n > max) throw invalidValue(name);
    return String(n);
  };

const oneOf =
  (...allowed: string[]) =>
  (name: string, value: string): string => {
    if (!allowed.includes(value)) throw invalidValue(name);
    return value;
  };

const json = (name: string, value: string): string => {
  if (value === '') return value;
  try {
    JSON.parse(value);
  } catch {
    throw invalidValue(name);
  }
  return value;
};

const redrivePolicy = (name: string, value: string): string => {
  if (value === '') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidValue(name);
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidValue(name);
  const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== 'string' || !deadLetterTargetArn.startsWith('arn:')) {
    throw new SqsApiError(
      'InvalidParameterValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.`,
    );
  }
  const count = Number(maxReceiveCount);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new SqsApiError(
      'InvalidParameterValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  const normalized: RedrivePolicy = { deadLetterTargetArn, maxReceiveCount: count };
  return JSON.stringify(normalized);
};

const SETTABLE: Readonly<Record<string, (name: string, value: string) => string>> = {
  DelaySeconds: integerIn(0, 900),
  MaximumMessageSize: integerIn(1024, MAX_MESSAGE_BYTES),
  MessageRetentionPeriod: integerIn(60, 1_209_600),
  ReceiveMessageWaitTimeSeconds: integerIn(0, 20),
  VisibilityTimeout: integerIn(0, 43_200),
  RedrivePolicy: redrivePolicy,
  RedriveAllowPolicy: json,
  Policy: json,
  KmsMasterKeyId: (_name, value) => value,
  KmsDataKeyReusePeriodSeconds: integerIn(60, 86_400),
  SqsManagedSseEnabled: oneOf('true', 'false'),
  FifoQueue: oneOf('true', 'false'),
  ContentBasedDeduplication: oneOf('true', 'false'),
  DeduplicationScope: oneOf('queue', 'messageGroup'),
  FifoThroughputLimit: oneOf('perQueue', 'perMessageGroupId'),
};

/**
 * Validates and normalises attributes given to CreateQueue or SetQueueAttributes
 * (`creating` allows `FifoQueue`, which cannot change afterwards).
 */
export const normalizeQueueAttributes = (
  attributes: Readonly<Record<string, string>>,
  fifo: boolean,
  creating: boolean,
): Record<string, string> => {
  const normalized: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attributes)) {
    const validate = SETTABLE[name];
    if (!validate || (!fifo && FIFO_ONLY.has(name) && !(name === 'FifoQueue' && raw === 'false'))) {
      throw unknownAttribute(name);
    }
    if (name === 'FifoQueue' && !creating) {
      throw new SqsApiError('InvalidAttributeName', `Attribute ${name} cannot be changed after creation.`);
    }
    normalized[name] = validate(name, String(raw));
  }
  if (
    fifo &&
    normalized.DeduplicationScope === 'messageGroup' &&
    normalized.FifoThroughputLimit === 'perQueue'
  ) {
    throw invalidValue('FifoThroughputLimit');
  }
  return normalized;
};

export const isKnownAttributeName = (name: string, fifo: boolean): boolean =>
  READ_ONLY_ATTRIBUTES.has(name) || (SETTABLE[name] !== undefined && (fifo || !FIFO_ONLY.has(name)));

export const parseRedrivePolicy = (value: string | undefined): RedrivePolicy | undefined => {
  if (!value) return undefined;
  return JSON.parse(value) as RedrivePolicy;
};
