import { defineService } from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import { createS3EdgeHandler, S3ObjectStore } from '../s3/index.ts';
import { configureServiceBuckets, serviceBucketsOf } from './service-buckets.step.ts';

const withBucket = defineService({
  name: 'gallery',
  root: '/srv/gallery',
  bucket: { uploadOrigins: ['http://admin.example'] },
  functions: {
    onUpload: {
      entry: 'src/on-upload.ts',
      triggers: [{ type: 's3', events: ['ObjectCreated'], prefix: 'in/' }],
    },
  },
});
const withoutBucket = defineService({
  name: 'plain',
  root: '/srv/plain',
  functions: { task: { entry: 'src/task.ts', triggers: [{ type: 'task', name: 'Plain' }] } },
});

describe('service buckets, locally', () => {
  it('gives each service that declares a bucket shop-<service>, served on the content delivery path', () => {
    expect(serviceBucketsOf([withBucket, withoutBucket], 'http://127.0.0.1:4566')).toEqual([
      {
        service: 'gallery',
        name: 'shop-gallery',
        publicUrl: 'http://127.0.0.1:4566/_local/cdn/shop-gallery',
      },
    ]);
  });

  it('creates the bucket and notifies the s3-triggered function of objects under its prefix only', async () => {
    const store = new S3ObjectStore();
    const notified: string[] = [];
    const s3 = createS3EdgeHandler({
      store,
      credentials: {},
      region: 'us-east-1',
      notify: (functionName) => notified.push(functionName),
    });
    configureServiceBuckets(s3, store, [withBucket], serviceBucketsOf([withBucket], 'http://127.0.0.1:4566'));
    const put = (key: string) =>
      s3.handle({
        method: 'PUT',
        url: new URL(`http://127.0.0.1:4566/shop-gallery/${key}`),
        headers: {
          authorization:
            'AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: Buffer.from('x'),
      });

    expect((await put('in/a.png')).status).toBe(200);
    expect((await put('out/b.png')).status).toBe(200);
    expect(store.hasBucket('shop-gallery')).toBe(true);
    expect(notified).toEqual(['gallery-on-upload']);
  });
});
