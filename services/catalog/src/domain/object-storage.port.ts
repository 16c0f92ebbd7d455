import type { ImageUpload } from './product-image.entity.ts';

/** The catalog's bucket, as the image use cases need it (S3 in both runtimes). */
export interface ObjectStorage {
  /** A URL that lets its holder PUT exactly this object (type and length signed) until it expires. */
  presignPut(input: {
    readonly key: string;
    readonly contentType: string;
    readonly contentLength: number;
    readonly expiresInSeconds: number;
  }): Promise<string>;
  /** The object's size, or undefined when there is none. */
  head(key: string): Promise<{ readonly size: number } | undefined>;
  /** The object's first `length` bytes (fewer for a shorter object). */
  readStart(key: string, length: number): Promise<Uint8Array>;
  /** Deletes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** Upload URLs handed out and not yet settled. */
export interface ImageUploadRepository {
  put(upload: ImageUpload): Promise<void>;
  get(productId: string, imageId: string): Promise<ImageUpload | undefined>;
  delete(productId: string, imageId: string): Promise<void>;
}
