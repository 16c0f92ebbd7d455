import type { StoredCart, StoredLine } from './cart.entity.ts';
import type { CartOwner } from './cart-owner.ts';

export interface SetLineOptions {
  readonly now: Date;
  /** The id a customer cart gets when this write creates it. */
  readonly newCartId: string;
  readonly maxLines: number;
}

export interface MergeResult {
  /** False when the guest cart was already gone (merged before, or expired): nothing changed. */
  readonly merged: boolean;
  readonly cart: StoredCart | undefined;
}

/** The carts of the service. Guest carts that have expired are reported as absent. */
export interface CartRepository {
  find(owner: CartOwner, now: Date): Promise<StoredCart | undefined>;
  createGuest(cartId: string, expiresAt: Date, now: Date): Promise<StoredCart>;
  /**
   * Sets one line (creating a customer's cart on its first line). Throws `CartFullError` when the
   * SKU would be one too many, `UnknownCartError` when a guest cart does not exist.
   */
  setLine(owner: CartOwner, line: StoredLine, options: SetLineOptions): Promise<StoredCart>;
  /** Removes a line; `undefined` when there is no cart. */
  removeLine(owner: CartOwner, sku: string, now: Date): Promise<StoredCart | undefined>;
  /** Removes every line; `undefined` when there is no cart. */
  clear(owner: CartOwner, now: Date): Promise<StoredCart | undefined>;
  /**
   * Empties a customer's cart for a confirmed order, once per order id: false when there is no cart
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
