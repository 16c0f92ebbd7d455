import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkStreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** The SDK decodes binary values to bytes; Lambda's event carries them base64-encoded, as the wire does. */
export const toLambdaAttributeValue = (value: SdkAttributeValue): LambdaAttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  // The SDK's union deserializer turns an empty map (`{"M":{}}` on the wire) into `{}`.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`unknown DynamoDB attribute value type: ${JSON.stringify(value.$unknown?.[0])}`);
};

export const toLambdaImage = (
  image: Record<string, SdkAttributeValue>,
): Record<string, LambdaAttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttributeValue(value)]));

/**
 * A GetRecords record as Lambda's DynamoDB Streams event carries it. The SDK parses
 * `ApproximateCreationDateTime` into a Date; the event has epoch seconds.
 */
export const toLambdaStreamRecord = (
  record: SdkStreamRecord,
  streamArn: string,
  region: string,
): DynamoDBRecord => {
  const stream = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      ...(stream.Keys ? { Keys: toLambdaImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: toLambdaImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: toLambdaImage(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    eventSourceARN: streamArn,
    // TTL deletions carry the service principal; Lambda passes it through.
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
};
