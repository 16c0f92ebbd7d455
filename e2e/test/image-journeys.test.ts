import { MAX_IMAGE_BYTES, Product, ProductImageUpload } from '@shop/contracts/catalog';
import type { ShopClient } from '@shop/local-cloud/testing';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.ts';
import { expectJson, expectProblem, type ShopFixtures } from './support/shop-fixtures.ts';
import { type ShopStack, useShopStack } from './support/shop-stack.ts';

// Product images through the public API and the local edge's S3, as a back-office page would do
// it: ask for an upload URL, PUT the file to it, wait for the product to list it, show it.
let shop: ShopStack;
let api: ShopClient;
let fx: ShopFixtures;

useShopStack((journey) => {
  ({ shop, api, fx } = journey);
});

/** A PNG's signature and IHDR chunk start, padded: what the catalog checks are the leading bytes. */
const pngOf = (size: number): Buffer => {
  const bytes = Buffer.alloc(size, 0x5a);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]).copy(bytes);
  return bytes;
};

const requestUpload = async (productId: string, body: Record<string, unknown>) =>
  api.request('POST', `/products/${productId}/images`, { token: await fx.adminToken(), json: body });

const uploadTo = (upload: ProductImageUpload, bytes: Buffer, contentType = upload.headers['Content-Type']) =>
  fetch(upload.uploadUrl, { method: upload.method, headers: { 'content-type': contentType }, body: bytes });

const productOf = async (productId: string) =>
  Product.parse(expectJson(await api.request('GET', `/products/${productId}`), 200));

describe('product images', () => {
  it('uploads an image with the presigned URL; the product lists it and its URL serves the bytes', async () => {
    const { productId } = await fx.stockedSku(1);
    const bytes = pngOf(64 * 1024);
    const upload = ProductImageUpload.parse(
      expectJson(
        await requestUpload(productId, {
          contentType: 'image/png',
          contentLength: bytes.length,
          alt: 'Front',
        }),
        201,
      ),
    );

    expect((await uploadTo(upload, bytes)).status).toBe(200);

    const product = await eventually(
      'image listed once the upload has been checked',
      () => productOf(productId),
      (p) => p.images.length === 1,
    );
    expect(product.images).toEqual([{ id: upload.imageId, url: expect.any(String), alt: 'Front' }]);
    const served = await fetch(product.images[0]?.url ?? '');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);

    // The list shows it too, and an admin can take it away again.
    const deleted = await api.request('DELETE', `/products/${productId}/images/${upload.imageId}`, {
      token: await fx.adminToken(),
    });
    expect(deleted.status).toBe(204);
    expect((await productOf(productId)).images).toEqual([]);
    expect((await fetch(product.images[0]?.url ?? '')).status).toBe(403);
  });

  it('refuses an oversize image: a 400 problem for the request, a 403 from S3 for more bytes than signed', async () => {
    const { productId } = await fx.stockedSku(1);
    const problem = expectProblem(
      await requestUpload(productId, {
        contentType: 'image/png',
        contentLength: MAX_IMAGE_BYTES + 1,
        alt: 'Huge',
      }),
      400,
    );
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/body/contentLength']);

    const upload = ProductImageUpload.parse(
      expectJson(
        await requestUpload(productId, { contentType: 'image/png', contentLength: 1024, alt: 'Small' }),
        201,
      ),
    );
    const bigger = await uploadTo(upload, pngOf(MAX_IMAGE_BYTES + 1));
    expect(bigger.status).toBe(403);
    expect(await bigger.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await productOf(productId)).images).toEqual([]);
  });

  it('refuses a wrong type: a 400 for a GIF, and a file whose bytes are not the declared PNG is deleted unlisted', async () => {
    const { productId } = await fx.stockedSku(1);
    const gif = expectProblem(
      await requestUpload(productId, { contentType: 'image/gif', contentLength: 10, alt: 'Gif' }),
      400,
    );
    expect(gif.errors?.map((e) => e.pointer)).toEqual(['/body/contentType']);

    const page = Buffer.from(`<html><body>${'x'.repeat(500)}</body></html>`);
    const upload = ProductImageUpload.parse(
      expectJson(
        await requestUpload(productId, { contentType: 'image/png', contentLength: page.length, alt: 'Fake' }),
        201,
      ),
    );
    expect((await uploadTo(upload, page)).status).toBe(200);

    // The object is there until the catalog has looked at it; then it is gone and was never listed.
    const objectUrl = `${shop.stack.edgeUrl}/_local/cdn/shop-catalog/products/${productId}/${upload.imageId}`;
    await eventually(
      'disguised upload deleted',
      async () => (await fetch(objectUrl)).status,
      (status) => status === 403,
    );
    expect((await productOf(productId)).images).toEqual([]);
  });
});
