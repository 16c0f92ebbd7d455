import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from './sqs.types.ts';

export const md5Hex = (data: string | Uint8Array): string => createHash('md5').update(data).digest('hex');

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

const lengthPrefixed = (bytes: Uint8Array): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.byteLength);
  return Buffer.concat([length, bytes]);
};

const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

/** `String`, `Number`, `Binary`, or a custom type such as `String.json` -> its base type. */
export const baseDataType = (dataType: string): string => dataType.split('.', 1)[0] ?? dataType;

/**
 * AWS's digest of message attributes: for each attribute in name order, the length-prefixed
 * (4-byte big-endian) name, data type, a transport byte (1 string, 2 binary) and the
 * length-prefixed value; then MD5 over the whole. Returns undefined when there are none.
 */
export const md5OfMessageAttributes = (
  attributes: Readonly<Record<string, MessageAttributeValue>> | undefined,
): string | undefined => {
  const names = Object.keys(attributes ?? {}).sort();
  if (!attributes || names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    parts.push(
      lengthPrefixed(Buffer.from(name, 'utf8')),
      lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')),
    );
    if (baseDataType(attribute.DataType) === 'Binary') {
      parts.push(Buffer.of(BINARY_TRANSPORT), lengthPrefixed(attribute.BinaryValue ?? new Uint8Array()));
    } else {
      parts.push(
        Buffer.of(STRING_TRANSPORT),
        lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')),
      );
    }
  }
  return md5Hex(Buffer.concat(parts));
};
