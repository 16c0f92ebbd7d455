import type { AppliedPromotionTerms } from '@shop/contracts/promotions';
import type { StoredCart, StoredLine } from './cart.entity.ts';
import type { CartOwner } from './cart-owner.ts';
import type { SkuSnapshot } from './sku-snapshot.ts';

export interface SetLineOptions {
  readonly now: Date;
  /** The id a customer cart gets when this write creates it. */
  readonly newCartId: string;
  readonly maxLines: number;
  /**
   * Whether the caller's read just found the cart. `false` creates a customer's cart with one
   * conditional Put instead of an Update that would fail first; a race with another creation falls
   * back to the Update. Omitted: the Update is tried first.
   */
  readonly cartExists?: boolean;
}

export interface CartWithSkus {
  /** Absent when there is no cart (or a guest cart has expired). */
  readonly cart: StoredCart | undefined;
  /** The replica's copies of the SKUs asked for, those it holds. */
  readonly skus: Map<string, SkuSnapshot>;
}

export interface MergeResult {
  /** False when the guest cart was already gone (merged before, or expired): nothing changed. */
  readonly merged: boolean;
  readonly cart: StoredCart | undefined;
}

/** The carts of the service. Guest carts that have expired are reported as absent. */
export interface CartRepository {
  find(owner: CartOwner, now: Date): Promise<StoredCart | undefined>;
  /**
   * The cart and the replica's copies of a few SKUs (at most 99) in one strongly consistent read:
   * both live in the service's table, so setting a line needs one round trip before its write.
   */
  findWithSkus(owner: CartOwner, skus: readonly string[], now: Date): Promise<CartWithSkus>;
  createGuest(cartId: string, expiresAt: Date, now: Date): Promise<StoredCart>;
  /**
   * Sets one line (creating a customer's cart on its first line). Throws `CartFullError` when the
   * SKU would be one too many, `UnknownCartError` when a guest cart does not exist.
   */
  setLine(owner: CartOwner, line: StoredLine, options: SetLineOptions): Promise<StoredCart>;
  /** Removes a line; `undefined` when there is no cart. */
  removeLine(owner: CartOwner, sku: string, now: Date): Promise<StoredCart | undefined>;
  /** Applies a promotion code (its terms), or removes it; `undefined` when there is no cart. */
  setPromotion(
    owner: CartOwner,
    promotion: AppliedPromotionTerms | undefined,
    now: Date,
  ): Promise<StoredCart | undefined>;
  /** Removes every line; `undefined` when there is no cart. */
  clear(owner: CartOwner, now: Date): Promise<StoredCart | undefined>;
  /**
   * Empties a customer's cart (its promotion code too) for a confirmed order, once per order id: false when there is no cart
   * or it was already emptied for this order.
   */
  emptyForOrder(customerId: string, orderId: string, now: Date): Promise<boolean>;
  /**
   * Folds a guest cart into a customer's cart and deletes the guest cart, in one transaction that
   * fails (and is retried) if either cart changed since it was read.
   */
  mergeGuest(
    customerId: string,
    guestCartId: string,
    merge: (target: readonly StoredLine[], guest: readonly StoredLine[]) => StoredLine[],
    options: SetLineOptions,
  ): Promise<MergeResult>;
}
