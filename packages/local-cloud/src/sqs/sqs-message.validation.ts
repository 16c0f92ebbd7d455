import { baseDataType } from './sqs.checksums.ts';
import { invalidParameter, SqsApiError } from './sqs.errors.ts';
import type { MessageAttributes, MessageAttributeValue } from './sqs.types.ts';

// The characters SQS accepts in a body or string attribute (the XML 1.0 character set).
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export const hasOnlyValidCharacters = (text: string): boolean =>
  text.isWellFormed() && !INVALID_CHARACTER.test(text);

export const assertValidBody = (body: string): void => {
  if (!hasOnlyValidCharacters(body)) {
    throw new SqsApiError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  }
};

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const MAX_ATTRIBUTES = 10;

const attributeValueBytes = (attribute: MessageAttributeValue): number =>
  attribute.BinaryValue !== undefined
    ? attribute.BinaryValue.byteLength
    : Buffer.byteLength(attribute.StringValue ?? '', 'utf8');

/** Bytes the message counts against `MaximumMessageSize`: body plus every attribute's name, type and value. */
export const messageSize = (body: string, attributes: MessageAttributes | undefined): number => {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.DataType, 'utf8');
    size += attributeValueBytes(attribute);
  }
  return size;
};

export const assertValidMessageAttributes = (attributes: MessageAttributes | undefined): void => {
  const entries = Object.entries(attributes ?? {});
  if (entries.length > MAX_ATTRIBUTES) {
    throw new SqsApiError(
      'InvalidParameterValue',
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  for (const [name, attribute] of entries) {
    const reserved = /^(aws\.|amazon\.)/i.test(name);
    if (!NAME.test(name) || reserved || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameter(
        'MessageAttributes',
        name,
        `Message (user) attribute name '${name}' is invalid. Names may contain alphanumerics, '_', '-' and '.', must not start or end with '.', contain '..' or start with 'AWS.' or 'Amazon.'.`,
      );
    }
    const dataType = attribute.DataType;
    if (typeof dataType !== 'string' || dataType === '') {
      throw new SqsApiError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain a non-empty message attribute type.`,
      );
    }
    const base = baseDataType(dataType);
    if (!['String', 'Number', 'Binary'].includes(base) || dataType.length > 256 || dataType.endsWith('.')) {
      throw new SqsApiError(
        'InvalidParameterValue',
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (attribute.StringListValues?.length || attribute.BinaryListValues?.length) {
      throw new SqsApiError(
        'InvalidParameterValue',
        `Message attribute list values in '${name}' are not supported.`,
      );
    }
    if (base === 'Binary') {
      if (
        attribute.BinaryValue === undefined ||
        attribute.BinaryValue.byteLength === 0 ||
        attribute.StringValue !== undefined
      ) {
        throw new SqsApiError(
          'InvalidParameterValue',
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
        );
      }
      continue;
    }
    const value = attribute.StringValue;
    if (value === undefined || value === '' || attribute.BinaryValue !== undefined) {
      throw new SqsApiError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
      );
    }
    if (!hasOnlyValidCharacters(value)) {
      throw new SqsApiError(
        'InvalidParameterValue',
        `The message attribute '${name}' contains invalid characters.`,
      );
    }
    if (base === 'Number' && !isSqsNumber(value)) {
      throw new SqsApiError(
        'InvalidParameterValue',
        `Can't cast the value of message (user) attribute '${name}' to a number.`,
      );
    }
  }
};

// SQS numbers: up to 38 significant digits, magnitude from 10^-128 to 10^+126.
const isSqsNumber = (value: string): boolean => {
  const match = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(value.trim());
  if (!match) return false;
  const digits = `${match[1] ?? ''}${match[2] ?? ''}`;
  if (digits === '') return false;
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  if (significant.length > 38) return false;
  const n = Number(value);
  return Number.isFinite(n) && (n === 0 || (Math.abs(n) >= 1e-128 && Math.abs(n) < 1e127));
};

export const assertValidSystemAttributes = (
  attributes: MessageAttributes | undefined,
): string | undefined => {
  let traceHeader: string | undefined;
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    if (name !== 'AWSTraceHeader') {
      throw new SqsApiError('InvalidParameterValue', `Message system attribute name '${name}' is invalid.`);
    }
    if (attribute.DataType !== 'String' || !attribute.StringValue) {
      throw new SqsApiError(
        'InvalidParameterValue',
        `Message system attribute '${name}' must use type 'String' and a non-empty value.`,
      );
    }
    traceHeader = attribute.StringValue;
  }
  return traceHeader;
};

// MessageGroupId and MessageDeduplicationId: up to 128 alphanumerics and punctuation.
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

export const assertValidFifoId = (parameter: string, value: string): void => {
  if (!FIFO_ID.test(value)) {
    throw invalidParameter(
      parameter,
      value,
      `${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
};

/** An optional integer parameter within bounds, as SQS checks DelaySeconds, VisibilityTimeout and the like. */
export const integerParameter = (
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  reason: string,
): number | undefined => {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) throw invalidParameter(name, value, reason);
  return value;
};
