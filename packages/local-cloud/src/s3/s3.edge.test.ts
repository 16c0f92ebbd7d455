import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { CDN_PATH, createS3EdgeHandler } from './s3.edge.ts';
import { S3ObjectStore } from './s3-object.store.ts';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const BUCKET = 'shop-images';

describe('S3 on the edge', () => {
  let edge: StartedServer;
  let s3: S3Client;
  let clock = Date.now();
  const notified: { functionName: string; event: unknown }[] = [];
  const store = new S3ObjectStore();
  const handler = createS3EdgeHandler({
    store,
    credentials: { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey },
    region: 'us-east-1',
    notify: (functionName, event) => notified.push({ functionName, event }),
    now: () => clock,
  });

  beforeAll(async () => {
    store.createBucket(BUCKET);
    handler.configureNotifications(BUCKET, [
      { id: 'uploads', functionName: 'images-on-upload', prefix: 'uploads/', suffix: '.png' },
    ]);
    handler.configureCors(BUCKET, ['http://shop.example']);
    edge = await startEdge([handler]);
    s3 = new S3Client({
      endpoint: edge.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      forcePathStyle: true,
    });
  });

  afterAll(async () => {
    s3?.destroy();
    await edge?.close();
  });

  beforeEach(() => {
    clock = Date.now();
    notified.length = 0;
  });

  it('stores an object with PutObject and returns its bytes, type, ETag and metadata with GetObject', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'docs/hello world.txt',
        Body: 'hello, bucket',
        ContentType: 'text/plain',
        Metadata: { owner: 'alice' },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'docs/hello world.txt' }));

    expect(put.ETag).toBe(`"${createHash('md5').update('hello, bucket').digest('hex')}"`);
    expect(got.ETag).toBe(put.ETag);
    expect(got.ContentType).toBe('text/plain');
    expect(got.ContentLength).toBe(13);
    expect(got.Metadata).toEqual({ owner: 'alice' });
    expect(await got.Body?.transformToString()).toBe('hello, bucket');
  });

  it('decodes a streamed upload (aws-chunked with a CRC32 trailer) and refuses a body that fails its checksum', async () => {
    const bytes = Buffer.alloc(70_000, 7);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'streamed.bin',
        Body: Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]),
        ContentLength: bytes.length,
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'streamed.bin' }));
    expect(head.ContentLength).toBe(70_000);

    const response = await fetch(`${edge.url}/${BUCKET}/bad.bin`, {
      method: 'PUT',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`,
        'x-amz-checksum-crc32': 'AAAAAA==',
      },
      body: 'not empty',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>BadDigest</Code>');
  });

  it('serves a byte range with 206 and Content-Range', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'range.txt', Body: '0123456789' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range.txt', Range: 'bytes=2-5' }));

    expect(got.$metadata.httpStatusCode).toBe(206);
    expect(got.ContentRange).toBe('bytes 2-5/10');
    expect(await got.Body?.transformToString()).toBe('2345');
  });

  it('answers NoSuchKey, NotFound for HEAD and NoSuchBucket as S3 does, and deletes idempotently', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'gone.txt', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone.txt' }));
    const again = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone.txt' }));

    expect(again.$metadata.httpStatusCode).toBe(204);
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'gone.txt' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'gone.txt' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'a' }))).rejects.toMatchObject(
      {
        name: 'NoSuchBucket',
      },
    );
  });

  it('lists with ListObjectsV2: prefix, delimiter and continuation tokens', async () => {
    for (const key of ['list/a/1', 'list/a/2', 'list/b', 'list/c', 'list/d/1']) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }
    const grouped = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' }),
    );
    expect(grouped.Contents?.map((o) => o.Key)).toEqual(['list/b', 'list/c']);
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/a/', 'list/d/']);
    expect(grouped.KeyCount).toBe(4);

    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 2 },
      { Bucket: BUCKET, Prefix: 'list/' },
    )) {
      pages += 1;
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    }
    expect(pages).toBe(3);
    expect(keys).toEqual(['list/a/1', 'list/a/2', 'list/b', 'list/c', 'list/d/1']);
  });

  describe('presigned URLs', () => {
    const presignPut = (key: string, contentType: string, contentLength: number, expiresIn = 300) =>
      getSignedUrl(
        new S3Client({
          endpoint: edge.url,
          region: 'us-east-1',
          credentials: CREDENTIALS,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
        }),
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          ContentType: contentType,
          ContentLength: contentLength,
        }),
        { expiresIn, signableHeaders: new Set(['content-type', 'content-length']) },
      );
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

    it('accepts a PUT that sends exactly the signed type and length, and notifies the bucket subscriber', async () => {
      const url = await presignPut('uploads/cat.png', 'image/png', png.length);
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: png,
      });

      expect(response.status).toBe(200);
      const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/cat.png' }));
      expect(stored.ContentType).toBe('image/png');
      expect(Buffer.from((await stored.Body?.transformToByteArray()) ?? [])).toEqual(png);
      expect(notified).toEqual([
        {
          functionName: 'images-on-upload',
          event: {
            Records: [
              expect.objectContaining({
                eventSource: 'aws:s3',
                eventName: 'ObjectCreated:Put',
                s3: expect.objectContaining({
                  configurationId: 'uploads',
                  bucket: expect.objectContaining({ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }),
                  object: expect.objectContaining({ key: 'uploads/cat.png', size: png.length }),
                }),
              }),
            ],
          },
        },
      ]);
    });

    it('notifies nobody of keys outside the prefix and suffix filter', async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/readme.txt', Body: 'x' }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/cat.png', Body: 'x' }));
      expect(notified).toEqual([]);
    });

    it('refuses another content type or length than the signed ones with SignatureDoesNotMatch', async () => {
      const url = await presignPut('uploads/typed.png', 'image/png', png.length);
      const wrongType = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'text/html' },
        body: png,
      });
      const longer = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: Buffer.concat([png, Buffer.alloc(10)]),
      });

      for (const response of [wrongType, longer]) {
        expect(response.status).toBe(403);
        expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
      }
      expect(store.get(BUCKET, 'uploads/typed.png')).toBeUndefined();
      expect(notified).toEqual([]);
    });

    it('refuses an expired URL, a tampered one and one signed with an unknown key', async () => {
      const url = await presignPut('uploads/late.png', 'image/png', png.length, 300);
      const put = (target: string) =>
        fetch(target, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png });

      clock += 301_000;
      const expired = await put(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('<Message>Request has expired</Message>');

      clock = Date.now();
      const tampered = await put(url.replace('uploads/late.png', 'uploads/other.png'));
      expect(tampered.status).toBe(403);
      expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

      const foreign = await getSignedUrl(
        new S3Client({
          endpoint: edge.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'stranger', secretAccessKey: 'x' },
          forcePathStyle: true,
        }),
        new GetObjectCommand({ Bucket: BUCKET, Key: 'range.txt' }),
      );
      const unknownKey = await fetch(foreign);
      expect(unknownKey.status).toBe(403);
      expect(await unknownKey.text()).toContain('<Code>InvalidAccessKeyId</Code>');
    });

    it('answers a browser preflight for an allowed origin and refuses another one', async () => {
      const url = await presignPut('uploads/cors.png', 'image/png', png.length);
      const preflight = (origin: string) =>
        fetch(url, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'PUT',
            'access-control-request-headers': 'content-type',
          },
        });
      const allowed = await preflight('http://shop.example');
      const refused = await preflight('http://elsewhere.example');

      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://shop.example');
      expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
      expect(refused.status).toBe(403);
    });

    it('serves a presigned GET', async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'signed.txt', Body: 'for your eyes' }));
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'signed.txt' }), {
        expiresIn: 60,
      });
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('for your eyes');
    });
  });

  it('serves objects anonymously on the content delivery path and answers 403 for a missing key', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'public/logo.svg',
        Body: '<svg/>',
        ContentType: 'image/svg+xml',
      }),
    );
    const served = await fetch(`${edge.url}${CDN_PATH}${BUCKET}/public/logo.svg`);
    const missing = await fetch(`${edge.url}${CDN_PATH}${BUCKET}/public/none.svg`);

    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/svg+xml');
    expect(await served.text()).toBe('<svg/>');
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('says what it does not emulate (multipart uploads) instead of pretending', async () => {
    const response = await fetch(`${edge.url}/${BUCKET}/big.bin?uploads`, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
      },
    });
    expect(response.status).toBe(501);
    expect(await response.text()).toContain('<Code>NotImplemented</Code>');
  });
});

describe('S3 object store', () => {
  it('keeps buckets and objects across a restart when given a data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3-store-'));
    try {
      const before = new S3ObjectStore({ dataDir: dir });
      before.createBucket('kept');
      const object = {
        key: 'a/b.txt',
        body: Buffer.from('persisted'),
        size: 9,
        etag: '"x"',
        contentType: 'text/plain',
        lastModified: new Date().toISOString(),
        userMetadata: {},
      };
      before.put('kept', object);
      before.put('kept', { ...object, key: 'dropped' });
      before.delete('kept', 'dropped');

      const after = new S3ObjectStore({ dataDir: dir });
      expect(after.listBuckets().map((b) => b.name)).toEqual(['kept']);
      expect(after.list('kept').map((o) => o.key)).toEqual(['a/b.txt']);
      expect(after.get('kept', 'a/b.txt')?.body.toString()).toBe('persisted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
