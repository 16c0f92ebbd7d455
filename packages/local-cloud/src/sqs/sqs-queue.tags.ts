import { invalidParameter, missingParameter, SqsApiError } from './sqs.errors.ts';

/**
 * AWS's quotas for queue tags: at most 50 per queue, keys of 1 to 128 characters, values up to 256.
 * AWS documents the quotas but not its wording when one is broken; the messages below are those that
 * moto's AWS-checked tests expect (and Yandex Message Queue, an SQS-compatible service, uses).
 */
export const MAX_TAGS_PER_QUEUE = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

const assertValidTag = (key: string, value: string): void => {
  if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
    throw invalidParameter(
      'Tags',
      key,
      `Tag keys must be between 1 and ${MAX_KEY_LENGTH} characters in length.`,
    );
  }
  if (value.length > MAX_VALUE_LENGTH) {
    throw invalidParameter(
      'Tags',
      value,
      `Tag values must be between 0 and ${MAX_VALUE_LENGTH} characters in length.`,
    );
  }
};

/** The queue's tags once `tags` are added (a key already there is overwritten), or AWS's error. */
export const tagsAfterAdding = (
  queueName: string,
  current: ReadonlyMap<string, string>,
  tags: Readonly<Record<string, string>>,
  { required }: { readonly required: boolean },
): Map<string, string> => {
  const entries = Object.entries(tags);
  if (required && entries.length === 0) throw missingParameter('Tags');
  const merged = new Map(current);
  for (const [key, value] of entries) {
    assertValidTag(key, value);
    merged.set(key, value);
  }
  if (merged.size > MAX_TAGS_PER_QUEUE) {
    throw new SqsApiError('InvalidParameterValue', `Too many tags added for queue ${queueName}.`);
  }
  return merged;
};

export const assertTagKeysToRemove = (keys: readonly string[]): void => {
  if (keys.length === 0 || keys.some((key) => key.length < 1 || key.length > MAX_KEY_LENGTH)) {
    throw new SqsApiError(
      'InvalidParameterValue',
      `Tag keys must be between 1 and ${MAX_KEY_LENGTH} characters in length.`,
    );
  }
};
