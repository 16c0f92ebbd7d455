import { getLogger } from '@shop/platform/observability';
import type { CatalogDeps } from './catalog.deps.ts';
import { recordUploadedImage } from './product-image.use-cases.ts';

/** The part of an S3 event notification record the catalog reads. */
export interface ObjectCreatedRecord {
  readonly eventName: string;
  readonly s3: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string } };
}

/** S3 URL-encodes keys in events, with `+` for a space. */
const keyOf = (record: ObjectCreatedRecord): string =>
  decodeURIComponent(record.s3.object.key.replaceAll('+', ' '));

/**
 * An S3 object-created notification -> each new object under `products/` is checked and recorded on
 * its product, or deleted. Records are settled one by one; an error (a DynamoDB or S3 outage) fails
 * the invocation, and S3's asynchronous invocation retries it (recording is idempotent).
 */
export const createImageUploadedHandler =
  (deps: CatalogDeps) =>
  async (event: { readonly Records?: readonly ObjectCreatedRecord[] }): Promise<void> => {
    const logger = getLogger();
    for (const record of event.Records ?? []) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const result = await recordUploadedImage(deps, keyOf(record));
      if (result.outcome === 'rejected') logger.warn('uploaded object refused and deleted', { ...result });
      else logger.info('uploaded object settled', { ...result });
    }
  };
