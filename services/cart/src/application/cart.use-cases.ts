import type { Cart, GuestCartCreated } from '@shop/contracts/cart';
import { MAX_CART_LINES, mergeLines, type StoredCart, type StoredLine } from '../domain/cart.entity.ts';
import {
  CartFullError,
  CurrencyMismatchError,
  InvalidCartTokenError,
  InvalidMergeTokenError,
  SkuNotAvailableError,
  SkuNotFoundError,
  UnknownCartError,
} from '../domain/cart.errors.ts';
import type { CartOwner } from '../domain/cart-owner.ts';
import { isSellable } from '../domain/sku-snapshot.ts';
import { type CartDeps, newIdOf, nowOf } from './cart.deps.ts';
import { cartViewOf, pricedLines } from './cart-view.mapper.ts';
import { resolveSkus } from './price-book.ts';

/** How long a guest cart (and its token) lives. */
export const GUEST_CART_TTL_SECONDS = 7 * 24 * 60 * 60;

const skusOf = (cart: StoredCart | undefined): string[] => cart?.lines.map((line) => line.sku) ?? [];

const viewOf = async (deps: CartDeps, cart: StoredCart | undefined): Promise<Cart> =>
  cartViewOf(cart, await resolveSkus(deps, skusOf(cart)));

/** A guest cart that is gone cannot be worked on; a customer without a cart simply has an empty one. */
const requireGuestCart = (owner: CartOwner, cart: StoredCart | undefined): void => {
  if (!cart && owner.kind === 'guest') throw new UnknownCartError();
};

/** The cart, priced now. A customer who never wrote one gets an empty cart with `id: null`. */
export const getCart = async (deps: CartDeps, owner: CartOwner): Promise<Cart> => {
  const cart = await deps.carts.find(owner, nowOf(deps));
  requireGuestCart(owner, cart);
  return viewOf(deps, cart);
};

/**
 * Sets a line's quantity (adding the line when the SKU is new to the cart). The SKU must exist
 * (404) and be sold (422); a new SKU beyond the cart's limit is a 422.
 */
export const setItemQuantity = async (
  deps: CartDeps,
  owner: CartOwner,
  sku: string,
  quantity: number,
): Promise<Cart> => {
  const now = nowOf(deps);
  const cart = await deps.carts.find(owner, now);
  requireGuestCart(owner, cart);
  // One lookup prices the new SKU and every line the answer shows.
  const snapshots = await resolveSkus(deps, [sku, ...skusOf(cart)]);
  const target = snapshots.get(sku);
  if (!target) throw new SkuNotFoundError(sku);
  if (!isSellable(target)) throw new SkuNotAvailableError(sku);
  const existing = cart?.lines.find((line) => line.sku === sku);
  const others = cart && { ...cart, lines: cart.lines.filter((line) => line.sku !== sku) };
  const { lines: otherLines, currency } = pricedLines(others, snapshots);
  if (otherLines.length > 0 && target.price.currency !== currency) {
    throw new CurrencyMismatchError(sku, target.price.currency, currency);
  }
  if (!existing && (cart?.lines.length ?? 0) >= MAX_CART_LINES) throw new CartFullError(MAX_CART_LINES);
  const updated = await deps.carts.setLine(
    owner,
    { sku, quantity, addedAt: existing?.addedAt ?? now.toISOString() },
    { now, newCartId: newIdOf(deps), maxLines: MAX_CART_LINES },
  );
  // A line added by a concurrent request is not priced yet.
  const unpriced = updated.lines.some((line) => !snapshots.has(line.sku));
  return cartViewOf(updated, unpriced ? await resolveSkus(deps, skusOf(updated)) : snapshots);
};

/** Removes a line; removing a line that is not there changes nothing. */
export const removeItem = async (deps: CartDeps, owner: CartOwner, sku: string): Promise<Cart> => {
  const updated = await deps.carts.removeLine(owner, sku, nowOf(deps));
  requireGuestCart(owner, updated);
  return viewOf(deps, updated);
};

/** Removes every line; the cart itself (its id, a guest cart's token) stays. */
export const clearCart = async (deps: CartDeps, owner: CartOwner): Promise<void> => {
  const updated = await deps.carts.clear(owner, nowOf(deps));
  requireGuestCart(owner, updated);
};

/** A new, empty guest cart and the signed token that opens it; both expire together. */
export const createGuestCart = async (deps: CartDeps): Promise<GuestCartCreated> => {
  const now = nowOf(deps);
  const cartId = newIdOf(deps);
  const { token, expiresAt } = await deps.tokens.issue(cartId, now);
  await deps.carts.createGuest(cartId, expiresAt, now);
  return { cartId, cartToken: token };
};

const mergeCapped = (target: readonly StoredLine[], guest: readonly StoredLine[]): StoredLine[] => {
  const merged = mergeLines(target, guest);
  if (merged.length > MAX_CART_LINES) throw new CartFullError(MAX_CART_LINES);
  return merged;
};

/**
 * Folds a guest cart into the customer's cart (quantities add up, capped at 99) and deletes it, in
 * one transaction. Idempotent: once the guest cart is gone, merging again returns the customer's
 * cart unchanged.
 */
export const mergeGuestCart = async (
  deps: CartDeps,
  customerId: string,
  cartToken: string,
): Promise<Cart> => {
  let cartId: string;
  try {
    ({ cartId } = await deps.tokens.verify(cartToken));
  } catch (error) {
    if (error instanceof InvalidCartTokenError) throw new InvalidMergeTokenError();
    throw error;
  }
  const now = nowOf(deps);
  const { cart } = await deps.carts.mergeGuest(customerId, cartId, mergeCapped, {
    now,
    newCartId: newIdOf(deps),
    maxLines: MAX_CART_LINES,
  });
  return viewOf(deps, cart);
};
