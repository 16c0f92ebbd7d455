import {
  type CreateProductImageRequest,
  IMAGE_UPLOAD_URL_SECONDS,
  type ImageId,
  MAX_PRODUCT_IMAGES,
  type ProductId,
  type ProductImageUpload,
} from '@shop/contracts/catalog';
import { nowOf } from '@shop/platform/clock';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import {
  ConcurrentUpdateError,
  ImageNotFoundError,
  ProductNotFoundError,
  TooManyImagesError,
} from '../domain/catalog.errors.ts';
import { type ProductRecord, withImages } from '../domain/product.entity.ts';
import {
  checkUploadedObject,
  hasRoomForImage,
  type ImageRejection,
  imageKeyOf,
  newImageId,
  parseImageKey,
  SIGNATURE_BYTES,
  type StoredImage,
} from '../domain/product-image.entity.ts';
import type { CatalogDeps, ProductImageDeps } from './catalog.deps.ts';

const imagesOf = (deps: CatalogDeps): ProductImageDeps => {
  if (!deps.images) throw new Error('this function has no image bucket (BUCKET_NAME)');
  return deps.images;
};

/**
 * Hands out a presigned PUT for one image of an existing product (archived ones too, so an admin
 * can prepare a product before restoring it): valid 5 minutes, for exactly the declared type and
 * size. The image is listed only once its upload has been checked (`recordUploadedImage`).
 */
export const requestImageUpload = async (
  deps: CatalogDeps,
  productId: ProductId,
  input: CreateProductImageRequest,
): Promise<ProductImageUpload> => {
  const images = imagesOf(deps);
  const product = await deps.products.get(productId);
  if (!product) throw new ProductNotFoundError(productId);
  if (!hasRoomForImage(product.images)) throw new TooManyImagesError(productId, MAX_PRODUCT_IMAGES);
  const now = nowOf(deps);
  const imageId = newImageId();
  const key = imageKeyOf(productId, imageId);
  await images.uploads.put({
    productId,
    imageId,
    key,
    contentType: input.contentType,
    contentLength: input.contentLength,
    alt: input.alt,
    createdAt: now.toISOString(),
  });
  const uploadUrl = await images.storage.presignPut({
    key,
    contentType: input.contentType,
    contentLength: input.contentLength,
    expiresInSeconds: IMAGE_UPLOAD_URL_SECONDS,
  });
  return {
    imageId,
    uploadUrl,
    expiresAt: new Date(now.getTime() + IMAGE_UPLOAD_URL_SECONDS * 1000).toISOString(),
    method: 'PUT',
    headers: { 'Content-Type': input.contentType, 'Content-Length': String(input.contentLength) },
  };
};

/** Changes a product's images, reading again when another writer got there first. */
const changeImages = (
  deps: CatalogDeps,
  productId: ProductId,
  decide: (product: ProductRecord) => readonly StoredImage[] | undefined,
): Promise<ProductRecord | undefined> =>
  retryLostRaces(
    async () => {
      const product = await deps.products.get(productId);
      if (!product) return undefined;
      const images = decide(product);
      if (!images) return product;
      const next = withImages(product, images, nowOf(deps));
      return (await deps.products.replaceImages(product, next)) ? next : LOST_RACE;
    },
    { onExhausted: () => new ConcurrentUpdateError(`product ${productId}`) },
  );

export type UploadOutcome =
  | {
      readonly outcome: 'recorded' | 'already-recorded';
      readonly productId: ProductId;
      readonly imageId: ImageId;
    }
  | { readonly outcome: 'rejected'; readonly reason: ImageRejection; readonly key: string }
  | { readonly outcome: 'gone'; readonly key: string };

/**
 * Settles an object created in the bucket: an object the catalog handed out a URL for, whose size
 * is the declared one (at most 5 MiB) and whose bytes are an image of the declared type, is added
 * to its product's images; anything else is deleted, so it is never listed or served. Idempotent:
 * S3 may deliver a notification more than once.
 */
export const recordUploadedImage = async (deps: CatalogDeps, key: string): Promise<UploadOutcome> => {
  const images = imagesOf(deps);
  const reject = async (reason: ImageRejection, ids?: { productId: string; imageId: string }) => {
    await images.storage.delete(key);
    if (ids) await images.uploads.delete(ids.productId, ids.imageId);
    return { outcome: 'rejected', reason, key } as const;
  };
  const ids = parseImageKey(key);
  if (!ids) return reject('unknown-upload');
  const upload = await images.uploads.get(ids.productId, ids.imageId);
  if (!upload) {
    const product = await deps.products.get(ids.productId);
    if (product?.images.some((image) => image.id === ids.imageId))
      return { outcome: 'already-recorded', ...ids };
    return reject('unknown-upload');
  }
  const head = await images.storage.head(key);
  if (!head) return { outcome: 'gone', key };
  const rejection = checkUploadedObject(upload, {
    size: head.size,
    head: head.size > 0 ? await images.storage.readStart(key, SIGNATURE_BYTES) : new Uint8Array(),
  });
  if (rejection) return reject(rejection, ids);

  let full = false;
  const product = await changeImages(deps, ids.productId, (current) => {
    full = false;
    if (current.images.some((image) => image.id === ids.imageId)) return undefined;
    if (!hasRoomForImage(current.images)) {
      full = true;
      return undefined;
    }
    return [
      ...current.images,
      {
        id: upload.imageId,
        key,
        alt: upload.alt,
        contentType: upload.contentType,
        size: head.size,
        createdAt: nowOf(deps).toISOString(),
      },
    ];
  });
  if (!product) return reject('product-gone', ids);
  if (full) return reject('too-many-images', ids);
  await images.uploads.delete(ids.productId, ids.imageId);
  return { outcome: 'recorded', ...ids };
};

/**
 * Removes an image from its product and deletes its object (an upload still in flight is cancelled
 * the same way: its object, if any arrives, is then refused). 404 for an image the product does not have.
 */
export const deleteProductImage = async (
  deps: CatalogDeps,
  productId: ProductId,
  imageId: ImageId,
): Promise<void> => {
  const images = imagesOf(deps);
  let listed = false;
  const product = await changeImages(deps, productId, (current) => {
    listed = current.images.some((image) => image.id === imageId);
    return listed ? current.images.filter((image) => image.id !== imageId) : undefined;
  });
  if (!product) throw new ProductNotFoundError(productId);
  const pending = listed ? undefined : await images.uploads.get(productId, imageId);
  if (!listed && !pending) throw new ImageNotFoundError(productId, imageId);
  if (pending) await images.uploads.delete(productId, imageId);
  await images.storage.delete(imageKeyOf(productId, imageId));
};
