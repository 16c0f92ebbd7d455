import * as z from 'zod';

/** The image types a product accepts; the catalog checks the bytes, not only the declared type. */
export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const ImageContentType = z.enum(IMAGE_CONTENT_TYPES).meta({ example: 'image/jpeg' });
export type ImageContentType = z.infer<typeof ImageContentType>;

/** 5 MiB: the largest image an upload URL lets through. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Images one product lists at most (uploads in flight count too). */
export const MAX_PRODUCT_IMAGES = 10;
/** How long an upload URL is valid. */
export const IMAGE_UPLOAD_URL_SECONDS = 300;

export const ImageId = z
  .string()
  .regex(
    /^img-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be an image id (img-<uuid>)',
  )
  .meta({ example: 'img-2b0f1c7e-8a3d-4d6b-9a51-0c8f2f3e4d5a' });
export type ImageId = z.infer<typeof ImageId>;

/** Body of `POST /products/{productId}/images` (admin): what will be uploaded. */
export const CreateProductImageRequest = z
  .object({
    contentType: ImageContentType,
    contentLength: z
      .number()
      .int()
      .min(1)
      .max(MAX_IMAGE_BYTES, `an image is at most ${MAX_IMAGE_BYTES} bytes (5 MiB)`)
      .meta({ description: 'Exact size in bytes of the file to upload; the upload URL is signed for it.' }),
    alt: z
      .string()
      .trim()
      .min(1)
      .max(250)
      .meta({ description: 'Text alternative for the image (what it shows), for screen readers.' }),
  })
  .strict()
  .meta({
    id: 'CreateProductImageRequest',
    example: { contentType: 'image/jpeg', contentLength: 48213, alt: 'Khaki canvas cap, front view' },
  });
export type CreateProductImageRequest = z.infer<typeof CreateProductImageRequest>;

/** Where and how to upload the image: one PUT of the file to `uploadUrl` with exactly `headers`. */
export const ProductImageUpload = z
  .object({
    imageId: ImageId,
    uploadUrl: z.url().meta({ description: 'A presigned S3 PUT URL; valid until `expiresAt`.' }),
    expiresAt: z.iso.datetime(),
    method: z.literal('PUT'),
    headers: z
      .object({ 'Content-Type': ImageContentType, 'Content-Length': z.string() })
      .meta({ description: 'The signed headers: the upload must send these values.' }),
  })
  .meta({
    id: 'ProductImageUpload',
    example: {
      imageId: 'img-2b0f1c7e-8a3d-4d6b-9a51-0c8f2f3e4d5a',
      uploadUrl:
        'https://shop-images.s3.us-east-1.amazonaws.com/products/prd-canvas-cap/img-2b0f1c7e-8a3d-4d6b-9a51-0c8f2f3e4d5a?X-Amz-Algorithm=AWS4-HMAC-SHA256&...',
      expiresAt: '2026-11-30T09:05:00.000Z',
      method: 'PUT',
      headers: { 'Content-Type': 'image/jpeg', 'Content-Length': '48213' },
    },
  });
export type ProductImageUpload = z.infer<typeof ProductImageUpload>;

/** An image a product lists: its checked upload, served from the content delivery URL. */
export const ProductImage = z
  .object({
    id: ImageId,
    url: z.url().meta({ description: 'Serves the image bytes (CloudFront in AWS).' }),
    alt: z.string(),
  })
  .meta({
    id: 'ProductImage',
    example: {
      id: 'img-2b0f1c7e-8a3d-4d6b-9a51-0c8f2f3e4d5a',
      url: 'https://d111111abcdef8.cloudfront.net/products/prd-canvas-cap/img-2b0f1c7e-8a3d-4d6b-9a51-0c8f2f3e4d5a',
      alt: 'Khaki canvas cap, front view',
    },
  });
export type ProductImage = z.infer<typeof ProductImage>;
