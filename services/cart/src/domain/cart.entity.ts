import { MAX_CART_LINES, MAX_LINE_QUANTITY } from '@shop/contracts/cart';
import type { AppliedPromotionTerms } from '@shop/contracts/promotions';
import type { CartOwner } from './cart-owner.ts';

/** What the cart stores of a line: the SKU and quantity only; names and prices are looked up at read time. */
export interface StoredLine {
  readonly sku: string;
  readonly quantity: number;
  /** When the SKU first entered the cart; lines are listed in this order. */
  readonly addedAt: string;
}

export interface StoredCart {
  readonly id: string;
  readonly owner: CartOwner;
  readonly lines: readonly StoredLine[];
  /** Grows with every write: merges use it to detect a concurrent change. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Guest carts only: epoch seconds after which the cart no longer exists (the table's TTL attribute). */
  readonly expiresAt?: number;
  /**
   * The applied promotion code and the terms it had when applied, so the cart shows its discount as
   * lines change without asking the promotions service; checkout's `RedeemPromotion` decides for good.
   */
  readonly promotion?: AppliedPromotionTerms;
}

export { MAX_CART_LINES, MAX_LINE_QUANTITY };

/** Oldest line first; the SKU breaks ties so the order is stable. */
export const byAddedAt = (a: StoredLine, b: StoredLine): number =>
  a.addedAt === b.addedAt ? a.sku.localeCompare(b.sku) : a.addedAt.localeCompare(b.addedAt);

/**
 * The lines of `target` after folding `incoming` into it: quantities of a SKU in both add up, capped
 * at {@link MAX_LINE_QUANTITY}; a SKU only in `incoming` keeps its quantity and when it was added.
 */
export const mergeLines = (target: readonly StoredLine[], incoming: readonly StoredLine[]): StoredLine[] => {
  const merged = new Map(target.map((line) => [line.sku, line]));
  for (const line of incoming) {
    const existing = merged.get(line.sku);
    merged.set(
      line.sku,
      existing
        ? { ...existing, quantity: Math.min(MAX_LINE_QUANTITY, existing.quantity + line.quantity) }
        : line,
    );
  }
  return [...merged.values()].sort(byAddedAt);
};

/** A guest cart whose `expiresAt` has passed is gone, even before DynamoDB's TTL deletes it. */
export const isExpired = (cart: Pick<StoredCart, 'expiresAt'>, now: Date): boolean =>
  cart.expiresAt !== undefined && cart.expiresAt * 1000 <= now.getTime();
