import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectStorage } from '../domain/object-storage.port.ts';

/**
 * Presigned URLs carry no checksum: with the SDK's default (`WHEN_SUPPORTED`) a PutObject URL would
 * name the CRC32 of an empty body, and S3 would refuse every real upload with BadDigest.
 */
export const createS3Client = (): S3Client => new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });

/** The catalog's bucket through the S3 API. */
export class S3ObjectStorage implements ObjectStorage {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.#s3 = s3;
    this.#bucket = bucket;
  }

  presignPut(input: { key: string; contentType: string; contentLength: number; expiresInSeconds: number }) {
    return getSignedUrl(
      this.#s3,
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: input.key,
        ContentType: input.contentType,
        ContentLength: input.contentLength,
      }),
      // Signed, so S3 refuses a PUT of another type or size (SignatureDoesNotMatch).
      { expiresIn: input.expiresInSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
    );
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    try {
      const head = await this.#s3.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async readStart(key: string, length: number): Promise<Uint8Array> {
    const object = await this.#s3.send(
      new GetObjectCommand({ Bucket: this.#bucket, Key: key, Range: `bytes=0-${length - 1}` }),
    );
    return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
  }

  async delete(key: string): Promise<void> {
    await this.#s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }
}
