import type { Clock } from '@shop/platform/clock';
import type {
  InventoryRepository,
  ProductRepository,
  StockReservationRepository,
} from '../domain/catalog.repository.port.ts';
import type { ImageUploadRepository, ObjectStorage } from '../domain/object-storage.port.ts';

/** What the catalog's use cases need; the handlers build it from the environment, tests from DynamoDB Local. */
export interface CatalogDeps {
  readonly products: ProductRepository;
  readonly inventory: InventoryRepository;
  readonly reservations: StockReservationRepository;
  /** Product images: absent where a function does not handle them (tasks); products then show none. */
  readonly images?: ProductImageDeps;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** How long a new reservation holds its units (`DEFAULT_RESERVATION_HOLD_SECONDS` by default). */
  readonly reservationHoldSeconds?: number;
}

/** The bucket holding product images, and where the public reads them. */
export interface ProductImageDeps {
  readonly storage: ObjectStorage;
  readonly uploads: ImageUploadRepository;
  /** Base URL of the content delivery (CloudFront in AWS): an image is `<publicUrl>/<key>`. */
  readonly publicUrl: string;
}

/** Who caused a change: carried into the events it publishes. */
export interface ChangeOrigin {
  readonly correlationId: string;
}

export const CATALOG_SOURCE = 'catalog';
