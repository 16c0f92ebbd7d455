export { decodeAwsChunked } from './aws-chunked.ts';
export { CDN_PATH, cdnUrlOf, createS3EdgeHandler, type S3EdgeOptions } from './s3.edge.ts';
export { type BucketNotificationTarget, objectCreatedEventOf } from './s3-notifications.ts';
export { type S3Object, type S3ObjectMetadata, S3ObjectStore } from './s3-object.store.ts';
export { checkPresignedUrl, isPresigned, type PresignedUrlRejection } from './s3-presigned-url.ts';
