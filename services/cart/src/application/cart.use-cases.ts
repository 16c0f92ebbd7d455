import type { Cart, GuestCartCreated } from '@shop/contracts/cart';
import { nowOf } from '@shop/platform/clock';
import { getLogger } from '@shop/platform/observability';
import { MAX_CART_LINES, mergeLines, type StoredCart, type StoredLine } from '../domain/cart.entity.ts';
import {
  CartEmptyForPromotionError,
  CartFullError,
  CatalogUnavailableError,
  CurrencyMismatchError,
  InsufficientStockError,
  InvalidCartTokenError,
  InvalidMergeTokenError,
  PromotionNotApplicableError,
  PromotionNotFoundError,
  SkuNotAvailableError,
  SkuNotFoundError,
  UnknownCartError,
} from '../domain/cart.errors.ts';
import type { CartOwner } from '../domain/cart-owner.ts';
import type { SkuLookupResult } from '../domain/sku-lookup.port.ts';
import { isSellable, type SkuSnapshot, snapshotFieldsOf } from '../domain/sku-snapshot.ts';
import { type CartDeps, type CartLogger, newIdOf } from './cart.deps.ts';
import { cartViewOf, pricedLines } from './cart-view.mapper.ts';
import { resolveSkus } from './price-book.ts';

const loggerOf = (deps: Pick<CartDeps, 'logger'>): CartLogger => deps.logger ?? getLogger();

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

type CatalogAnswer =
  | { readonly ok: true; readonly result: SkuLookupResult }
  | { readonly ok: false; readonly error: CatalogUnavailableError };

/** The catalog's answer about a SKU, or why there is none: a catalog that is down is a case to handle. */
const askCatalog = (deps: CartDeps, sku: string): Promise<CatalogAnswer> =>
  deps.catalog.lookup([sku]).then(
    (result): CatalogAnswer => ({ ok: true, result }),
    (error: unknown): CatalogAnswer => {
      if (error instanceof CatalogUnavailableError) return { ok: false, error };
      throw error;
    },
  );

interface TargetSku {
  readonly snapshot: SkuSnapshot;
  /** What the catalog can sell now; undefined when it could not be asked (no stock check then). */
  readonly available: number | undefined;
}

/**
 * The SKU a line is set for: the catalog's answer (which refreshes the replica when the replica is
 * behind), or, when the catalog cannot answer, the replica's copy; with neither, a 503.
 */
const targetSkuOf = async (
  deps: CartDeps,
  sku: string,
  held: SkuSnapshot | undefined,
  answer: CatalogAnswer,
): Promise<TargetSku> => {
  if (!answer.ok) {
    if (!held) throw answer.error;
    return { snapshot: held, available: undefined };
  }
  const info = answer.result.items.find((item) => item.sku === sku);
  if (!info) throw new SkuNotFoundError(sku);
  const fresh = snapshotFieldsOf(info);
  // One conditional write, only when the replica is behind (the steady state costs nothing).
  if (!held || held.version < fresh.version) await deps.replica.save([fresh]);
  // An event may have brought a newer version in the meantime; the newer copy wins.
  return { snapshot: held && held.version > fresh.version ? held : fresh, available: info.available };
};

/**
 * Sets a line's quantity (adding the line when the SKU is new to the cart). The SKU must exist
 * (404), be sold (422) and have the quantity in stock (409); a new SKU beyond the cart's limit is
 * a 422. The catalog is asked about the SKU (Lambda) while the cart and the replica's copy of the
 * SKU are read (one BatchGetItem); the line is then one write. When the catalog cannot answer, a
 * SKU the replica knows and sells is accepted without the stock check (logged): checkout's
 * `ReserveStock` is the authoritative check. An unknown one is a 503.
 */
export const setItemQuantity = async (
  deps: CartDeps,
  owner: CartOwner,
  sku: string,
  quantity: number,
): Promise<Cart> => {
  const now = nowOf(deps);
  const [{ cart, skus: held }, answer] = await Promise.all([
    deps.carts.findWithSkus(owner, [sku], now),
    askCatalog(deps, sku),
  ]);
  requireGuestCart(owner, cart);
  const target = await targetSkuOf(deps, sku, held.get(sku), answer);
  if (!isSellable(target.snapshot)) throw new SkuNotAvailableError(sku);
  if (target.available !== undefined && quantity > target.available) {
    throw new InsufficientStockError(sku, quantity, target.available);
  }
  const existing = cart?.lines.find((line) => line.sku === sku);
  const others = cart && { ...cart, lines: cart.lines.filter((line) => line.sku !== sku) };
  // The other lines price the answer and set the cart's currency (no read at all for an empty cart).
  const snapshots = await resolveSkus(deps, skusOf(others));
  const { lines: otherLines, currency } = pricedLines(others, snapshots);
  if (otherLines.length > 0 && target.snapshot.price.currency !== currency) {
    throw new CurrencyMismatchError(sku, target.snapshot.price.currency, currency);
  }
  if (!existing && (cart?.lines.length ?? 0) >= MAX_CART_LINES) throw new CartFullError(MAX_CART_LINES);
  const updated = await deps.carts.setLine(
    owner,
    { sku, quantity, addedAt: existing?.addedAt ?? now.toISOString() },
    { now, newCartId: newIdOf(deps), maxLines: MAX_CART_LINES, cartExists: cart !== undefined },
  );
  if (target.available === undefined) {
    loggerOf(deps).warn('catalog unavailable: cart line set without a stock check', {
      sku,
      quantity,
      cartId: updated.id,
      reason: answer.ok ? undefined : String(answer.error.cause ?? answer.error.message),
    });
  }
  snapshots.set(sku, target.snapshot);
  // Lines added by concurrent requests since the read are not priced yet.
  const read = new Set([sku, ...skusOf(others)]);
  const unpriced = updated.lines.map((line) => line.sku).filter((each) => !read.has(each));
  if (unpriced.length > 0) {
    for (const [each, snapshot] of await resolveSkus(deps, unpriced)) snapshots.set(each, snapshot);
  }
  return cartViewOf(updated, snapshots);
};

/** Removes a line; removing a line that is not there changes nothing. */
export const removeItem = async (deps: CartDeps, owner: CartOwner, sku: string): Promise<Cart> => {
  const updated = await deps.carts.removeLine(owner, sku, nowOf(deps));
  requireGuestCart(owner, updated);
  return viewOf(deps, updated);
};

/**
 * Applies a promotion code to the cart (it replaces any other): the promotions service says whether
 * it applies to the cart's subtotal now and answers its terms, which the cart keeps to show the
 * discount. An unknown code is a 404 `PROMOTION.NOT_FOUND`; an expired, not yet valid, used up or
 * inactive one, or a subtotal below its minimum, a 409 with its own code; a cart without lines a 409.
 */
export const applyPromotion = async (deps: CartDeps, owner: CartOwner, code: string): Promise<Cart> => {
  const now = nowOf(deps);
  const cart = await deps.carts.find(owner, now);
  requireGuestCart(owner, cart);
  const view = await viewOf(deps, cart);
  if (!cart || view.items.length === 0) throw new CartEmptyForPromotionError();
  const answer = await deps.promotions.check(
    code,
    view.subtotal,
    owner.kind === 'customer' ? owner.customerId : undefined,
  );
  if (answer.outcome === 'refused') {
    if (answer.reason === 'NOT_FOUND') throw new PromotionNotFoundError(code);
    throw new PromotionNotApplicableError(answer.reason, answer.detail, code);
  }
  const updated = await deps.carts.setPromotion(owner, answer.terms, now);
  requireGuestCart(owner, updated);
  return viewOf(deps, updated);
};

/** Removes the cart's promotion code; removing none changes nothing. */
export const removePromotion = async (deps: CartDeps, owner: CartOwner): Promise<Cart> => {
  const now = nowOf(deps);
  const updated = await deps.carts.setPromotion(owner, undefined, now);
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
