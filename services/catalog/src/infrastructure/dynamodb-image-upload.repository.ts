import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '@shop/platform/service';
import type { ImageUploadRepository } from '../domain/object-storage.port.ts';
import type { ImageUpload } from '../domain/product-image.entity.ts';
import { imageUploadKey } from './catalog-table.keys.ts';
import { imageUploadOf } from './stored-item.schemas.ts';

/** An unsettled upload is forgotten a day after its URL was handed out (the URL lives 5 minutes). */
const UPLOAD_TTL_SECONDS = 24 * 60 * 60;

/** Upload records in the product's partition (`PRODUCT#<id>` / `UPLOAD#<imageId>`), expiring by TTL. */
export class DynamoDbImageUploadRepository implements ImageUploadRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async put(upload: ImageUpload): Promise<void> {
    await this.#ddb.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          ...imageUploadKey(upload.productId, upload.imageId),
          kind: 'image-upload',
          ...upload,
          [TTL_ATTRIBUTE]: Math.floor(Date.parse(upload.createdAt) / 1000) + UPLOAD_TTL_SECONDS,
        },
      }),
    );
  }

  async get(productId: string, imageId: string): Promise<ImageUpload | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({
        TableName: this.#table,
        Key: imageUploadKey(productId, imageId),
        ConsistentRead: true,
      }),
    );
    return Item ? imageUploadOf(Item) : undefined;
  }

  async delete(productId: string, imageId: string): Promise<void> {
    await this.#ddb.send(
      new DeleteCommand({ TableName: this.#table, Key: imageUploadKey(productId, imageId) }),
    );
  }
}
