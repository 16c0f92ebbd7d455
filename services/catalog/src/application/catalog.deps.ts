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
  readonly now?: () => Date;
}

/** Who caused a change: carried into the events it publishes. */
export interface ChangeOrigin {
  readonly correlationId: string;
}

export const CATALOG_SOURCE = 'catalog';

export const nowOf = (deps: Pick<CatalogDeps, 'now'>): Date => deps.now?.() ?? new Date();
