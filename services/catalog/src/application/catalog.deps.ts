import type { Clock } from '@shop/platform/clock';
import type {
  InventoryRepository,
  ProductRepository,
  StockReservationRepository,
} from '../domain/catalog.repository.port.ts';

/** What the catalog's use cases need; the handlers build it from the environment, tests from DynamoDB Local. */
export interface CatalogDeps {
  readonly products: ProductRepository;
  readonly inventory: InventoryRepository;
  readonly reservations: StockReservationRepository;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** How long a new reservation holds its units (`DEFAULT_RESERVATION_HOLD_SECONDS` by default). */
  readonly reservationHoldSeconds?: number;
}

/** Who caused a change: carried into the events it publishes. */
export interface ChangeOrigin {
  readonly correlationId: string;
}

export const CATALOG_SOURCE = 'catalog';
