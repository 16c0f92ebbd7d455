import { describe, expect, it } from 'vitest';
import { CreateProductImageRequest, ImageId, MAX_IMAGE_BYTES, Product, ProductImage } from './index.ts';

describe('product image contracts', () => {
  const valid = { contentType: 'image/webp', contentLength: 1000, alt: '  Side view  ' };

  it('accepts JPEG, PNG and WebP up to 5 MiB, and trims the alt text', () => {
    expect(CreateProductImageRequest.parse(valid)).toEqual({ ...valid, alt: 'Side view' });
    for (const contentType of ['image/jpeg', 'image/png']) {
      expect(
        CreateProductImageRequest.safeParse({ ...valid, contentType, contentLength: MAX_IMAGE_BYTES })
          .success,
      ).toBe(true);
    }
  });

  it.each([
    ['another type', { contentType: 'image/gif' }],
    ['an SVG (scriptable)', { contentType: 'image/svg+xml' }],
    ['one byte over 5 MiB', { contentLength: MAX_IMAGE_BYTES + 1 }],
    ['an empty file', { contentLength: 0 }],
    ['a fractional size', { contentLength: 10.5 }],
    ['no alt text', { alt: '   ' }],
    ['an unknown field', { url: 'https://elsewhere.example/x.png' }],
  ])('refuses %s', (_what, change) => {
    expect(CreateProductImageRequest.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it('names images img-<uuid> and lists them on a product', () => {
    expect(ImageId.safeParse('img-2b0f1c7e-8a3d-4d6b-9a51-0c8f2f3e4d5a').success).toBe(true);
    expect(ImageId.safeParse('../products/x').success).toBe(false);
    const image = {
      id: 'img-2b0f1c7e-8a3d-4d6b-9a51-0c8f2f3e4d5a',
      url: 'https://cdn.example/p/i',
      alt: 'x',
    };
    expect(ProductImage.parse(image)).toEqual(image);
    expect(Product.shape.images.safeParse([image]).success).toBe(true);
  });
});
