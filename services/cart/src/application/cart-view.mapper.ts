import type { Cart, CartLine } from '@shop/contracts/cart';
import { discountOf } from '@shop/contracts/promotions';
import type { StoredCart, StoredLine } from '../domain/cart.entity.ts';
import { displayName, isSellable, type SkuSnapshot } from '../domain/sku-snapshot.ts';

export const DEFAULT_CURRENCY = 'USD';

export interface PricedLine {
  readonly line: StoredLine;
  readonly snapshot: SkuSnapshot;
}

/**
 * The lines that can be shown and bought, with their current data: a line whose SKU is no longer
 * sold (archived product, removed variant, unknown to the catalog) is left out, and so is one
 * priced in another currency than the cart's first line (so the subtotal is one sum).
 */
export const pricedLines = (
  cart: StoredCart | undefined,
  snapshots: ReadonlyMap<string, SkuSnapshot>,
): { lines: PricedLine[]; currency: string } => {
  const lines: PricedLine[] = [];
  let currency: string | undefined;
  for (const line of cart?.lines ?? []) {
    const snapshot = snapshots.get(line.sku);
    if (!snapshot || !isSellable(snapshot)) continue;
    currency ??= snapshot.price.currency;
    if (snapshot.price.currency !== currency) continue;
    lines.push({ line, snapshot });
  }
  return { lines, currency: currency ?? DEFAULT_CURRENCY };
};

/** The cart as the API shows it, priced with the given (current) SKU data. */
export const cartViewOf = (
  cart: StoredCart | undefined,
  snapshots: ReadonlyMap<string, SkuSnapshot>,
): Cart => {
  const { lines, currency } = pricedLines(cart, snapshots);
  const items: CartLine[] = lines.map(({ line, snapshot }) => ({
    sku: line.sku,
    productId: snapshot.productId,
    name: displayName(snapshot),
    quantity: line.quantity,
    unitPrice: snapshot.price,
    lineTotal: { amount: snapshot.price.amount * line.quantity, currency },
  }));
  const subtotal = { amount: items.reduce((sum, item) => sum + item.lineTotal.amount, 0), currency };
  const discount = cart?.promotion ? discountOf(cart.promotion, subtotal) : undefined;
  return {
    id: cart?.id ?? null,
    items,
    subtotal,
    promotion: cart?.promotion && discount ? { code: cart.promotion.code, discount } : null,
    total: { amount: subtotal.amount - (discount?.amount ?? 0), currency },
    updatedAt: cart?.updatedAt ?? null,
  };
};
