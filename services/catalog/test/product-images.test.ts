import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createDevIssuer } from '@shop/auth/dev-issuer';
import { MAX_IMAGE_BYTES, MAX_PRODUCT_IMAGES } from '@shop/contracts/catalog';
import {
  cdnUrlOf,
  createS3EdgeHandler,
  S3ObjectStore,
  type StartedServer,
  startEdge,
} from '@shop/local-cloud/testing';
import { createAuth } from '@shop/platform/http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { createImageUploadedHandler } from '../src/application/image-uploaded.handler.ts';
import { createCatalogDeps } from '../src/composition-root.ts';
import { type CatalogTestDb, productInput, startCatalogDb } from './catalog-test.fixture.ts';

vi.stubEnv('LOG_LEVEL', 'SILENT');

const BUCKET = 'shop-catalog-test';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Real image signatures followed by filler: what the catalog checks is the leading bytes. */
const png = (size: number) => {
  const bytes = Buffer.alloc(size, 0x11);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes;
};
const jpeg = (size: number) => {
  const bytes = Buffer.alloc(size, 0x22);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes);
  return bytes;
};
const webp = (size: number) => {
  const bytes = Buffer.alloc(size, 0x33);
  Buffer.from('RIFF').copy(bytes);
  Buffer.from('WEBP').copy(bytes, 8);
  return bytes;
};

let t: CatalogTestDb;
let edge: StartedServer;
let s3: S3Client;
let app: ReturnType<typeof buildApp>;
let adminToken: string;
let customerToken: string;
const store = new S3ObjectStore();
/** Notifications run as S3 runs them: after the PUT has been answered. */
const settling: Promise<void>[] = [];

beforeAll(async () => {
  t = await startCatalogDb();
  store.createBucket(BUCKET);
  let notified: (event: unknown) => Promise<void> = async () => {};
  const s3Edge = createS3EdgeHandler({
    store,
    credentials: { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey },
    region: 'us-east-1',
    notify: (_functionName, event) => {
      settling.push(notified(event));
    },
  });
  s3Edge.configureNotifications(BUCKET, [
    { id: 'record-image', functionName: 'catalog-record-image', prefix: 'products/' },
  ]);
  edge = await startEdge([s3Edge]);
  s3 = new S3Client({
    endpoint: edge.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const deps = createCatalogDeps(t.tableName, t.db.documentClient, {
    bucket: BUCKET,
    publicUrl: cdnUrlOf(edge.url, BUCKET),
    s3,
  });
  const onUpload = createImageUploadedHandler(deps);
  notified = (event) => onUpload(event as Parameters<typeof onUpload>[0]);
  const issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...deps,
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  adminToken = (await issuer.mint({ sub: 'ada', roles: ['admin'] })).token;
  customerToken = (await issuer.mint({ sub: 'carol', roles: ['customer'] })).token;
});

afterAll(async () => {
  s3?.destroy();
  await edge?.close();
  await t?.db.stop();
});

const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
  app.request(path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });

interface Upload {
  imageId: string;
  uploadUrl: string;
  expiresAt: string;
  method: string;
  headers: Record<string, string>;
}
interface ProductBody {
  id: string;
  images: { id: string; url: string; alt: string }[];
}

const createProduct = async (): Promise<string> => {
  const response = await call('POST', '/products', { token: adminToken, body: productInput() });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
};

const requestUpload = async (
  productId: string,
  contentType: string,
  contentLength: number,
  alt = 'front view',
) => {
  const response = await call('POST', `/products/${productId}/images`, {
    token: adminToken,
    body: { contentType, contentLength, alt },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Upload;
};

/** Uploads as a browser does, then waits for the notification the PUT caused to be handled. */
const upload = async (target: Upload, body: Buffer, contentType = target.headers['Content-Type'] ?? '') => {
  const response = await fetch(target.uploadUrl, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body,
  });
  await Promise.all(settling.splice(0));
  return response;
};

const productOf = async (productId: string): Promise<ProductBody> => {
  const response = await call('GET', `/products/${productId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ProductBody;
};

const objectExists = async (key: string): Promise<boolean> =>
  s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    () => true,
    () => false,
  );

describe('product images', () => {
  it('hands out a 5-minute upload URL, then lists the checked image, whose URL serves the bytes', async () => {
    const productId = await createProduct();
    const bytes = png(2048);
    const before = Date.now();
    const target = await requestUpload(productId, 'image/png', bytes.length, 'Tee, front');

    expect(target).toMatchObject({
      imageId: expect.stringMatching(/^img-[0-9a-f-]{36}$/),
      method: 'PUT',
      headers: { 'Content-Type': 'image/png', 'Content-Length': '2048' },
    });
    const validFor = Date.parse(target.expiresAt) - before;
    expect(validFor).toBeGreaterThan(299_000);
    expect(validFor).toBeLessThanOrEqual(301_000);
    expect(new URL(target.uploadUrl).searchParams.get('X-Amz-Expires')).toBe('300');
    expect((await productOf(productId)).images).toEqual([]);

    expect((await upload(target, bytes)).status).toBe(200);

    const product = await productOf(productId);
    expect(product.images).toEqual([
      {
        id: target.imageId,
        url: `${cdnUrlOf(edge.url, BUCKET)}/products/${productId}/${target.imageId}`,
        alt: 'Tee, front',
      },
    ]);
    const served = await fetch(product.images[0]?.url ?? '');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
  });

  it('accepts JPEG and WebP by their bytes, oldest first', async () => {
    const productId = await createProduct();
    const first = await requestUpload(productId, 'image/jpeg', 600);
    const second = await requestUpload(productId, 'image/webp', 700);
    await upload(first, jpeg(600));
    await upload(second, webp(700));

    expect((await productOf(productId)).images.map((image) => image.id)).toEqual([
      first.imageId,
      second.imageId,
    ]);
  });

  it('deletes and never lists an object whose bytes are not the declared image type', async () => {
    const productId = await createProduct();
    const html = Buffer.from('<html><script>alert(1)</script></html>'.padEnd(400, ' '));
    const disguised = await requestUpload(productId, 'image/png', html.length);
    const wrongKind = await requestUpload(productId, 'image/png', 500);

    expect((await upload(disguised, html)).status).toBe(200);
    expect((await upload(wrongKind, jpeg(500))).status).toBe(200);

    expect((await productOf(productId)).images).toEqual([]);
    expect(await objectExists(`products/${productId}/${disguised.imageId}`)).toBe(false);
    expect(await objectExists(`products/${productId}/${wrongKind.imageId}`)).toBe(false);
  });

  it('refuses an oversize or non-image request with a 400 problem before any URL exists', async () => {
    const productId = await createProduct();
    const oversize = await call('POST', `/products/${productId}/images`, {
      token: adminToken,
      body: { contentType: 'image/png', contentLength: MAX_IMAGE_BYTES + 1, alt: 'big' },
    });
    const wrongType = await call('POST', `/products/${productId}/images`, {
      token: adminToken,
      body: { contentType: 'image/gif', contentLength: 100, alt: 'gif' },
    });

    for (const [response, field] of [
      [oversize, '/body/contentLength'],
      [wrongType, '/body/contentType'],
    ] as const) {
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { errors: { pointer: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toEqual([field]);
    }
  });

  it('lets S3 refuse an upload of another size or type than the URL was signed for', async () => {
    const productId = await createProduct();
    const target = await requestUpload(productId, 'image/png', 1000);

    const bigger = await upload(target, png(1000 + 4096));
    const otherType = await upload(target, png(1000), 'image/webp');

    expect(bigger.status).toBe(403);
    expect(otherType.status).toBe(403);
    expect(await objectExists(`products/${productId}/${target.imageId}`)).toBe(false);
    expect((await productOf(productId)).images).toEqual([]);
  });

  it('refuses an object nobody handed out a URL for', async () => {
    const productId = await createProduct();
    const key = `products/${productId}/img-00000000-0000-4000-8000-000000000000`;
    const put = await fetch(`${edge.url}/${BUCKET}/${key}`, {
      method: 'PUT',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
        'content-type': 'image/png',
      },
      body: png(100),
    });
    await Promise.all(settling.splice(0));

    expect(put.status).toBe(200);
    expect(await objectExists(key)).toBe(false);
    expect((await productOf(productId)).images).toEqual([]);
  });

  it('removes an image with DELETE: no longer listed, no longer served, then 404', async () => {
    const productId = await createProduct();
    const target = await requestUpload(productId, 'image/png', 300);
    await upload(target, png(300));
    const [image] = (await productOf(productId)).images;

    const deleted = await call('DELETE', `/products/${productId}/images/${target.imageId}`, {
      token: adminToken,
    });
    const again = await call('DELETE', `/products/${productId}/images/${target.imageId}`, {
      token: adminToken,
    });

    expect(deleted.status).toBe(204);
    expect((await productOf(productId)).images).toEqual([]);
    expect((await fetch(image?.url ?? '')).status).toBe(403);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { code: string }).code).toBe('CATALOG.IMAGE_NOT_FOUND');
  });

  it(`stops at ${MAX_PRODUCT_IMAGES} images with a 409 problem`, async () => {
    const productId = await createProduct();
    for (let i = 0; i < MAX_PRODUCT_IMAGES; i++) {
      await upload(await requestUpload(productId, 'image/png', 64), png(64));
    }
    const full = await call('POST', `/products/${productId}/images`, {
      token: adminToken,
      body: { contentType: 'image/png', contentLength: 64, alt: 'one too many' },
    });

    expect((await productOf(productId)).images).toHaveLength(MAX_PRODUCT_IMAGES);
    expect(full.status).toBe(409);
    expect(((await full.json()) as { code: string }).code).toBe('CATALOG.TOO_MANY_IMAGES');
  });

  it('keeps image routes for admins (401 without a token, 403 for a customer) and 404s an unknown product', async () => {
    const body = { contentType: 'image/png', contentLength: 10, alt: 'x' };
    const productId = await createProduct();
    expect((await call('POST', `/products/${productId}/images`, { body })).status).toBe(401);
    expect((await call('POST', `/products/${productId}/images`, { token: customerToken, body })).status).toBe(
      403,
    );
    const unknown = await call('POST', '/products/prd-nope/images', { token: adminToken, body });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('CATALOG.PRODUCT_NOT_FOUND');
  });

  it('keeps images when the product is patched', async () => {
    const productId = await createProduct();
    await upload(await requestUpload(productId, 'image/png', 64), png(64));
    const patched = await call('PATCH', `/products/${productId}`, {
      token: adminToken,
      body: { name: 'Renamed Tee' },
    });

    expect(patched.status).toBe(200);
    expect(((await patched.json()) as ProductBody).images).toHaveLength(1);
  });
});
