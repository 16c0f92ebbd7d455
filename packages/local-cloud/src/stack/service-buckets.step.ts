import { type ServiceDefinition, s3SubscriptionsOf } from '@shop/platform/service';
import { cdnUrlOf, type createS3EdgeHandler, type S3ObjectStore } from '../s3/index.ts';

/** A service's bucket as the local stack runs it. */
export interface ServiceBucket {
  readonly service: string;
  readonly name: string;
  /** Where its objects are served anonymously (CloudFront's domain in AWS). */
  readonly publicUrl: string;
}

/** Local bucket name of a service (in AWS the CDK app names it). */
export const localBucketName = (service: string): string => `shop-${service}`;

/** The bucket of every service that declares one. */
export const serviceBucketsOf = (services: readonly ServiceDefinition[], edgeUrl: string): ServiceBucket[] =>
  services.flatMap((service) =>
    service.bucket
      ? [
          {
            service: service.name,
            name: localBucketName(service.name),
            publicUrl: cdnUrlOf(edgeUrl, localBucketName(service.name)),
          },
        ]
      : [],
  );

/**
 * What the CDK app's `ServiceBucket` construct declares, locally: the bucket (kept by `--persist`),
 * its CORS rule for browser uploads, and a notification of each function with an `s3` trigger.
 */
export const configureServiceBuckets = (
  s3: ReturnType<typeof createS3EdgeHandler>,
  store: S3ObjectStore,
  services: readonly ServiceDefinition[],
  buckets: readonly ServiceBucket[],
): void => {
  for (const bucket of buckets) {
    const service = services.find((s) => s.name === bucket.service);
    if (!service?.bucket) continue;
    store.createBucket(bucket.name);
    s3.configureCors(bucket.name, service.bucket.uploadOrigins ?? ['*']);
    s3.configureNotifications(
      bucket.name,
      s3SubscriptionsOf(service).map(({ function: fn, trigger }) => ({
        id: fn.name,
        functionName: fn.name,
        ...(trigger.prefix ? { prefix: trigger.prefix } : {}),
        ...(trigger.suffix ? { suffix: trigger.suffix } : {}),
      })),
    );
  }
};
