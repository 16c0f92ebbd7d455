import type { EventEnvelope, Page } from '@shop/contracts';
import type { Category, CategoryId, InventoryRecord, ProductId, Sku, SkuInfo } from '@shop/contracts/catalog';
import type { ProductRecord } from './product.entity.ts';
import type { Reservation, SkuStock } from './stock.entity.ts';

export interface PageRequest {
  readonly limit: number;
  /** Opaque cursor from a previous page of the same list. */
  readonly cursor?: string | undefined;
}

/** Products, their SKUs and categories. Every write carries its event (outbox) in the same transaction. */
export interface ProductRepository {
  get(id: ProductId): Promise<ProductRecord | undefined>;
  /**
   * Stores a new active product, claims its SKUs (`DuplicateSkuError` when one is taken) with the
   * given initial units on hand (0 by default), counts it in its category. `ProductExistsError` when
   * the id is taken.
   */
  create(
    product: ProductRecord,
    event: EventEnvelope,
    initialStock?: ReadonlyMap<Sku, number>,
  ): Promise<void>;
  /** Replaces `previous` by `next` unless someone else changed it first (`ConcurrentUpdateError`). */
  update(previous: ProductRecord, next: ProductRecord, event: EventEnvelope): Promise<void>;
  /**
   * Stores `next`'s images and version unless the product changed since `previous` was read
   * (false: read again and decide again). Touches the product item only; publishes nothing.
   */
  replaceImages(previous: ProductRecord, next: ProductRecord): Promise<boolean>;
  /** Active products by name, optionally of one category. */
  listActive(query: PageRequest & { category?: CategoryId | undefined }): Promise<Page<ProductRecord>>;
  /** Categories with at least one active product. */
  listCategories(query: PageRequest): Promise<Page<Category>>;
}

/** Stock per SKU: what is on hand, reserved by orders, and available (`onHand - reserved`). */
export interface InventoryRepository {
  /** Available units of each SKU found (one BatchGet per 100 SKUs). */
  availability(skus: readonly Sku[]): Promise<Map<Sku, number>>;
  get(sku: Sku): Promise<SkuStock | undefined>;
  /** Sets `onHand`; `SkuNotFoundError`, or `OnHandBelowReservedError` when orders hold more. */
  setOnHand(sku: Sku, onHand: number): Promise<InventoryRecord>;
}

export type ReserveResult =
  | { readonly kind: 'reserved' }
  /** The order already has a reservation (a repeated task). */
  | { readonly kind: 'exists' }
  /** These SKUs lacked stock (or stopped being sold); nothing was reserved. */
  | { readonly kind: 'short'; readonly skus: readonly Sku[] }
  /** Another transaction touched the same items at the same moment; worth retrying. */
  | { readonly kind: 'conflict' };

/** Reservations of stock by orders: the checkout saga's ReserveStock/ReleaseStock and the sale on confirmation. */
export interface StockReservationRepository {
  /** The order's reservation (strongly consistent) and the given SKUs, in one round trip. */
  load(
    orderId: string,
    skus: readonly Sku[],
  ): Promise<{ reservation?: Reservation; stock: Map<Sku, SkuStock> }>;
  getReservation(orderId: string): Promise<Reservation | undefined>;
  /**
   * Orders whose reservation is RESERVED with a hold that ended before `before` (ISO 8601), earliest
   * first, at most `limit`. Read from an index: re-read each reservation before acting.
   */
  listExpired(before: string, limit: number): Promise<string[]>;
  /** Reserves every line or none, each conditioned on enough available units and an active SKU. */
  reserve(reservation: Reservation): Promise<ReserveResult>;
  /** RESERVED -> RELEASED, returning the units; false when the reservation was not RESERVED any more. */
  release(reservation: Reservation, now: Date): Promise<boolean | 'conflict'>;
  /** RESERVED -> COMMITTED, taking the units out of onHand and reserved; false when not RESERVED any more. */
  commit(reservation: Reservation, now: Date): Promise<boolean | 'conflict'>;
  /** COMMITTED -> RESTOCKED, putting the sold units back on hand; false when not COMMITTED any more. */
  restock(reservation: Reservation, now: Date): Promise<boolean | 'conflict'>;
}

/** What the catalog tells other services about SKUs (the internal `lookupSkus` function). */
export interface SkuDirectory {
  /** The SKUs the catalog knows, by SKU (unknown ones are absent), in the fewest round trips. */
  describe(skus: readonly Sku[]): Promise<Map<Sku, SkuInfo>>;
}
