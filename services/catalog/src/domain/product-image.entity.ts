import {
  type ImageContentType,
  type ImageId,
  MAX_IMAGE_BYTES,
  MAX_PRODUCT_IMAGES,
  type ProductId,
} from '@shop/contracts/catalog';

/** An image a product lists: a checked object in the catalog's bucket. */
export interface StoredImage {
  readonly id: ImageId;
  /** The object key in the bucket: `products/<productId>/<imageId>`. */
  readonly key: string;
  readonly alt: string;
  readonly contentType: ImageContentType;
  readonly size: number;
  readonly createdAt: string;
}

/** An upload URL handed out and not yet settled: what the object must turn out to be. */
export interface ImageUpload {
  readonly productId: ProductId;
  readonly imageId: ImageId;
  readonly key: string;
  readonly contentType: ImageContentType;
  readonly contentLength: number;
  readonly alt: string;
  readonly createdAt: string;
}

export const newImageId = (): ImageId => `img-${crypto.randomUUID()}`;

const KEY_PREFIX = 'products/';

/** Where an image's bytes live in the bucket. */
export const imageKeyOf = (productId: ProductId, imageId: ImageId): string =>
  `${KEY_PREFIX}${productId}/${imageId}`;

/** The prefix of every image key (the bucket notifies the catalog of objects created under it). */
export const IMAGE_KEY_PREFIX = KEY_PREFIX;

/** The product and image a key names, or undefined for a key the catalog never hands out. */
export const parseImageKey = (key: string): { productId: ProductId; imageId: ImageId } | undefined => {
  const match = /^products\/([a-z0-9][a-z0-9-]{0,63})\/(img-[0-9a-f-]{36})$/.exec(key);
  return match?.[1] && match[2] ? { productId: match[1], imageId: match[2] } : undefined;
};

/** How many leading bytes {@link imageTypeOf} needs. */
export const SIGNATURE_BYTES = 12;

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  signature.every((byte, i) => bytes[offset + i] === byte);

/**
 * The image type the bytes are, by their signature (magic number): JPEG `FF D8 FF`, PNG
 * `89 50 4E 47 0D 0A 1A 0A`, WebP `RIFF....WEBP`. Undefined for anything else, whatever its name or
 * declared type says.
 */
export const imageTypeOf = (bytes: Uint8Array): ImageContentType | undefined => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return 'image/webp';
  }
  return undefined;
};

/** Why an uploaded object is refused (it is then deleted and never listed). */
export type ImageRejection =
  | 'unknown-upload'
  | 'too-large'
  | 'size-mismatch'
  | 'not-an-image'
  | 'type-mismatch'
  | 'too-many-images'
  | 'product-gone';

/** Checks an uploaded object against its upload: size within limits and as declared, bytes of the declared type. */
export const checkUploadedObject = (
  upload: ImageUpload,
  object: { readonly size: number; readonly head: Uint8Array },
): ImageRejection | undefined => {
  if (object.size > MAX_IMAGE_BYTES) return 'too-large';
  if (object.size !== upload.contentLength) return 'size-mismatch';
  const type = imageTypeOf(object.head);
  if (!type) return 'not-an-image';
  if (type !== upload.contentType) return 'type-mismatch';
  return undefined;
};

/** Whether a product can list one more image. */
export const hasRoomForImage = (images: readonly StoredImage[]): boolean =>
  images.length < MAX_PRODUCT_IMAGES;
