import { withInvocation } from '@shop/platform/invocation';
import { createImageUploadedHandler } from '../application/image-uploaded.handler.ts';
import { createCatalogDeps } from '../composition-root.ts';
import { imageEnv } from '../env.ts';

const env = imageEnv();

/** S3 object created under `products/` -> the image is checked and listed, or deleted. */
export const handler = withInvocation(
  createImageUploadedHandler(
    createCatalogDeps(env.TABLE_NAME, undefined, {
      bucket: env.BUCKET_NAME,
      publicUrl: env.BUCKET_PUBLIC_URL,
    }),
  ),
);
