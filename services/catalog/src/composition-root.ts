import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OrderStatuses } from '@shop/contracts/order';
import { createDocumentClient } from '@shop/platform/dynamodb';
import { createInternalFunctionClient } from '@shop/platform/invoke';
import type { CatalogDeps } from './application/catalog.deps.ts';
import type { SkuLookupDeps } from './application/sku-lookup.use-case.ts';
import type { ExpiryDeps, StockDeps } from './application/stock-reservation.use-cases.ts';
import { DynamoDbImageUploadRepository } from './infrastructure/dynamodb-image-upload.repository.ts';
import { DynamoDbInventoryRepository } from './infrastructure/dynamodb-inventory.repository.ts';
import { DynamoDbProductRepository } from './infrastructure/dynamodb-product.repository.ts';
import { DynamoDbSkuDirectory } from './infrastructure/dynamodb-sku-directory.repository.ts';
import { DynamoDbStockReservationRepository } from './infrastructure/dynamodb-stock-reservation.repository.ts';
import { LambdaOrderStatusReader } from './infrastructure/lambda-order-statuses.reader.ts';
import { createS3Client, S3ObjectStorage } from './infrastructure/s3-object-storage.ts';

/** The bucket of product images and the base URL the public reads them from. */
export interface ImageBucket {
  readonly bucket: string;
  readonly publicUrl: string;
  /** Defaults to a client configured from the environment. */
  readonly s3?: S3Client;
}

/** The one place the catalog service chooses its adapters; handlers only call these. */

/** The catalog's repositories over one DynamoDB table, and its image bucket where the function has one. */
export const createCatalogDeps = (
  tableName: string,
  ddb: DynamoDBDocumentClient = createDocumentClient(),
  images?: ImageBucket,
): CatalogDeps => ({
  products: new DynamoDbProductRepository(ddb, tableName),
  inventory: new DynamoDbInventoryRepository(ddb, tableName),
  reservations: new DynamoDbStockReservationRepository(ddb, tableName),
  ...(images
    ? {
        images: {
          storage: new S3ObjectStorage(images.s3 ?? createS3Client(), images.bucket),
          uploads: new DynamoDbImageUploadRepository(ddb, tableName),
          publicUrl: images.publicUrl.replace(/\/$/, ''),
        },
      }
    : {}),
});

/** What the stock tasks and the `order.confirmed` consumer need. */
export const createStockDeps = (
  tableName: string,
  client?: DynamoDBClient,
  reservationHoldSeconds?: number,
): StockDeps => ({
  reservations: new DynamoDbStockReservationRepository(createDocumentClient(client), tableName),
  ...(reservationHoldSeconds !== undefined ? { reservationHoldSeconds } : {}),
});

/** What the reservation expiry job needs: the reservations, and the order service's `orderStatuses`. */
export const createExpiryDeps = (tableName: string, orderStatusesFunctionName: string): ExpiryDeps => ({
  ...createStockDeps(tableName),
  orders: new LambdaOrderStatusReader(
    createInternalFunctionClient({ contract: OrderStatuses, functionName: orderStatusesFunctionName }),
  ),
});

/** What `lookupSkus` needs. */
export const createSkuLookupDeps = (tableName: string): SkuLookupDeps => ({
  skus: new DynamoDbSkuDirectory(createDocumentClient(), tableName),
});
