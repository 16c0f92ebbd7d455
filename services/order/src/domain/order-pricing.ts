import type { Money } from '@shop/contracts';
import type { OrderLine, OrderTotals } from '@shop/contracts/order';
import { MixedCurrenciesError } from './order.errors.ts';

/**
 * The pricing rules, all in integer minor units:
 * - subtotal: the sum of `unitPrice * quantity` over the lines;
 * - discount: what the redeemed promotion code takes off the subtotal (zero without one, never more
 *   than the subtotal); the goods then cost `subtotal - discount`;
 * - shipping: a flat `flatShipping` when the goods cost less than `freeShippingThreshold`, else free;
 * - tax: `taxRateBasisPoints` (1/100 of a percent) of what the goods cost, shipping untaxed, computed
 *   once per order (not per line) and rounded half up to a whole minor unit;
 * - total: subtotal - discount + shipping + tax.
 */
export const PRICING_RULES = {
  freeShippingThreshold: 5_000,
  flatShipping: 599,
  taxRateBasisPoints: 800,
} as const;

export interface PricedLineInput {
  readonly sku: string;
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

/** Tax of a subtotal: `subtotal * rate`, half up. Integer arithmetic only (exact below 2^53). */
export const taxOf = (subtotal: number, basisPoints: number = PRICING_RULES.taxRateBasisPoints): number =>
  Math.floor((subtotal * basisPoints + 5_000) / 10_000);

export const shippingOf = (subtotal: number): number =>
  subtotal < PRICING_RULES.freeShippingThreshold ? PRICING_RULES.flatShipping : 0;

/**
 * Lines with their totals, and the order's totals after the discount of a promotion code.
 * @throws MixedCurrenciesError when the lines (and the discount) are not all in one currency.
 */
export const priceLines = (
  input: readonly PricedLineInput[],
  discount?: Money,
): { lines: OrderLine[]; totals: OrderTotals; currency: string } => {
  const currency = input[0]?.unitPrice.currency ?? 'USD';
  if (input.some((line) => line.unitPrice.currency !== currency)) throw new MixedCurrenciesError();
  if (discount && discount.amount > 0 && discount.currency !== currency) throw new MixedCurrenciesError();
  const lines = input.map((line) => ({
    sku: line.sku,
    productId: line.productId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: { amount: line.unitPrice.amount, currency },
    lineTotal: { amount: line.unitPrice.amount * line.quantity, currency },
  }));
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal.amount, 0);
  const off = Math.min(discount?.amount ?? 0, subtotal);
  const goods = subtotal - off;
  const shipping = shippingOf(goods);
  const tax = taxOf(goods);
  const money = (amount: number): Money => ({ amount, currency });
  return {
    lines,
    totals: {
      subtotal: money(subtotal),
      discount: money(off),
      shipping: money(shipping),
      tax: money(tax),
      total: money(goods + shipping + tax),
    },
    currency,
  };
};
