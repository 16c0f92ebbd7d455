import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

/** What S3 keeps of an object besides its bytes. */
export interface S3ObjectMetadata {
  readonly key: string;
  readonly size: number;
  /** The MD5 of the bytes in hex, quoted: S3's ETag of a single-part upload. */
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: string;
  /** `x-amz-meta-*` headers, without the prefix. */
  readonly userMetadata: Readonly<Record<string, string>>;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
}

export interface S3Object extends S3ObjectMetadata {
  readonly body: Buffer;
}

const StoredMetadata = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  etag: z.string(),
  contentType: z.string(),
  lastModified: z.string(),
  userMetadata: z.record(z.string(), z.string()),
  cacheControl: z.string().optional(),
  contentDisposition: z.string().optional(),
  contentEncoding: z.string().optional(),
});

export interface S3ObjectStoreOptions {
  /** Keeps buckets and objects in this folder (`--persist`); in memory without it. */
  readonly dataDir?: string;
}

/** A key's file name: keys may hold any character, file names may not. */
const fileNameOf = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * Buckets and their objects. In memory, and with a data folder also on disk: one folder per bucket,
 * each object as `<sha256 of key>.bin` (its bytes) and `.json` (its metadata, written last through a
 * rename, so a crash mid-write leaves the previous version or nothing).
 */
export class S3ObjectStore {
  readonly #buckets = new Map<string, { createdAt: string; objects: Map<string, S3Object> }>();
  readonly #dataDir: string | undefined;

  constructor(options: S3ObjectStoreOptions = {}) {
    this.#dataDir = options.dataDir;
    if (this.#dataDir) this.#load(this.#dataDir);
  }

  createBucket(name: string): boolean {
    if (this.#buckets.has(name)) return false;
    const createdAt = new Date().toISOString();
    this.#buckets.set(name, { createdAt, objects: new Map() });
    if (this.#dataDir) {
      mkdirSync(join(this.#dataDir, name), { recursive: true });
      writeFileSync(join(this.#dataDir, name, 'bucket.json'), JSON.stringify({ createdAt }));
    }
    return true;
  }

  hasBucket(name: string): boolean {
    return this.#buckets.has(name);
  }

  listBuckets(): { name: string; createdAt: string }[] {
    return [...this.#buckets.entries()]
      .map(([name, bucket]) => ({ name, createdAt: bucket.createdAt }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  put(bucket: string, object: S3Object): void {
    const objects = this.#objectsOf(bucket);
    objects.set(object.key, object);
    if (this.#dataDir) {
      const base = join(this.#dataDir, bucket, fileNameOf(object.key));
      writeFileSync(`${base}.bin`, object.body);
      const { body: _body, ...metadata } = object;
      writeFileSync(`${base}.json.tmp`, JSON.stringify(metadata));
      renameSync(`${base}.json.tmp`, `${base}.json`);
    }
  }

  get(bucket: string, key: string): S3Object | undefined {
    return this.#objectsOf(bucket).get(key);
  }

  /** Deletes the object; deleting a missing key is not an error (as in S3). */
  delete(bucket: string, key: string): void {
    this.#objectsOf(bucket).delete(key);
    if (this.#dataDir) {
      const base = join(this.#dataDir, bucket, fileNameOf(key));
      rmSync(`${base}.json`, { force: true });
      rmSync(`${base}.bin`, { force: true });
    }
  }

  /** The bucket's objects in the UTF-8 binary order of their keys, as ListObjectsV2 returns them. */
  list(bucket: string): S3ObjectMetadata[] {
    return [...this.#objectsOf(bucket).values()].sort((a, b) =>
      Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
    );
  }

  #objectsOf(bucket: string): Map<string, S3Object> {
    const found = this.#buckets.get(bucket);
    if (!found) throw new Error(`no bucket ${bucket}`);
    return found.objects;
  }

  #load(dataDir: string): void {
    mkdirSync(dataDir, { recursive: true });
    for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const folder = join(dataDir, entry.name);
      const files = readdirSync(folder);
      if (!files.includes('bucket.json')) continue;
      const { createdAt } = z
        .object({ createdAt: z.string() })
        .parse(JSON.parse(readFileSync(join(folder, 'bucket.json'), 'utf8')));
      const objects = new Map<string, S3Object>();
      for (const file of files) {
        if (!file.endsWith('.json') || file === 'bucket.json') continue;
        const metadata = StoredMetadata.parse(JSON.parse(readFileSync(join(folder, file), 'utf8')));
        const body = readFileSync(join(folder, file.replace(/\.json$/, '.bin')));
        objects.set(metadata.key, { ...metadata, body });
      }
      this.#buckets.set(entry.name, { createdAt, objects });
    }
  }
}
