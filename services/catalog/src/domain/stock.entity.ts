import type { Money } from '@shop/contracts';
import type { ProductId, ReservedLine, Sku, StockLine } from '@shop/contracts/catalog';

/**
 * Whether a SKU can be sold: `active` while its product is active and lists it, `archived` with its
 * product, `removed` once its product stopped listing it (the SKU stays owned by that product).
 */
export type SkuStatus = 'active' | 'archived' | 'removed';

/** One SKU with its stock. Invariant kept by every write: `available = onHand - reserved`, none negative. */
export interface SkuStock {
  readonly sku: Sku;
  readonly productId: ProductId;
  readonly productName: string;
  readonly name: string;
  readonly price: Money;
  readonly status: SkuStatus;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

/**
 * The life of an order's reservation. Every transition is one conditional write on the status, in the
 * same transaction as the stock it moves, so each happens at most once whatever the order of arrival:
 *
 * ```
 * RESERVED --commit (order.confirmed)--> COMMITTED --restock (ReleaseStock, RestockOrder)--> RESTOCKED
 * RESERVED --release (ReleaseStock, RestockOrder)--> RELEASED
 * ```
 *
 * RELEASED and RESTOCKED are final: a late `order.confirmed` finds nothing to commit.
 */
export type ReservationStatus = 'RESERVED' | 'RELEASED' | 'COMMITTED' | 'RESTOCKED';

/** The units an order holds; its lines are the task's first result, replayed on repeats. */
export interface Reservation {
  readonly orderId: string;
  readonly status: ReservationStatus;
  readonly lines: readonly ReservedLine[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * While RESERVED, the units are held until then (ISO 8601); past it, the expiry job settles the
   * reservation by its order's status. Reservations made before holds existed have none.
   */
  readonly holdUntil?: string;
}

/** How long a reservation holds its units by default: longer than the checkout saga may run (15 min). */
export const DEFAULT_RESERVATION_HOLD_SECONDS = 1200;

/** Adds up lines that name the same SKU (a transaction may touch each item only once), keeping first-seen order. */
export const mergeLines = (lines: readonly StockLine[]): StockLine[] => {
  const merged = new Map<Sku, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
};

export const lineNameOf = (stock: Pick<SkuStock, 'productName' | 'name'>): string =>
  stock.name === stock.productName ? stock.name : `${stock.productName} (${stock.name})`;
