import { randomUUID } from 'node:crypto';
import type { S3ObjectMetadata } from './s3-object.store.ts';

/** A function a bucket notifies of created objects whose keys start with `prefix` and end with `suffix`. */
export interface BucketNotificationTarget {
  /** The notification configuration's id (S3's `configurationId` in the event). */
  readonly id: string;
  readonly functionName: string;
  readonly prefix?: string;
  readonly suffix?: string;
}

/** S3 URL-encodes the key in events, with `+` for a space (form encoding). */
const eventKeyOf = (key: string): string =>
  encodeURIComponent(key).replaceAll('%20', '+').replaceAll('%2F', '/');

let sequence = 0n;

/**
 * The event S3 sends a function when an object is created (`ObjectCreated:Put`), record for record
 * as AWS documents it (event structure version 2.1), so a handler typed with `S3Event` reads it.
 */
export const objectCreatedEventOf = (input: {
  readonly region: string;
  readonly bucket: string;
  readonly object: S3ObjectMetadata;
  readonly requestId: string;
  readonly target: BucketNotificationTarget;
  readonly eventTime: string;
}) => {
  sequence += 1n;
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: input.region,
        eventTime: input.eventTime,
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': input.requestId, 'x-amz-id-2': randomUUID() },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: input.target.id,
          bucket: {
            name: input.bucket,
            ownerIdentity: { principalId: 'local' },
            arn: `arn:aws:s3:::${input.bucket}`,
          },
          object: {
            key: eventKeyOf(input.object.key),
            size: input.object.size,
            eTag: input.object.etag.replaceAll('"', ''),
            sequencer: sequence.toString(16).toUpperCase().padStart(16, '0'),
          },
        },
      },
    ],
  };
};
