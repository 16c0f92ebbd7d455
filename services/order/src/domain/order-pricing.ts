import type { Money } from '@shop/contracts';
import type { OrderLine, OrderTotals } from '@shop/contracts/order';
import { MixedCurrenciesError } from './order.errors.ts';

/**
 * The pricing rules, all in integer minor units:
 * - subtotal: the sum of `unitPrice * quantity` over the lines;
 * - shipping: a flat `flatShipping` when the subtotal is below `freeShippingThreshold`, else free
 *   (an order always has lines, so there is no zero-subtotal case to special-case);
 * - tax: `taxRateBasisPoints` (1/100 of a percent) of the subtotal, shipping untaxed, computed once
 *   per order (not per line) and rounded half up to a whole minor unit;
 * - total: subtotal + shipping + tax.
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
 * Lines with their totals, and the order's totals.
 * @throws MixedCurrenciesError when the lines are not all in one currency.
 */
export const priceLines = (
  input: readonly PricedLineInput[],
): { lines: OrderLine[]; totals: OrderTotals; currency: string } => {
  const currency = input[0]?.unitPrice.currency ?? 'USD';
  if (input.some((line) => line.unitPrice.currency !== currency)) throw new MixedCurrenciesError();
  const lines = input.map((line) => ({
    sku: line.sku,
    productId: line.productId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: { amount: line.unitPrice.amount, currency },
    lineTotal: { amount: line.unitPrice.amount * line.quantity, currency },
  }));
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal.amount, 0);
  const shipping = shippingOf(subtotal);
  const tax = taxOf(subtotal);
  const money = (amount: number): Money => ({ amount, currency });
  return {
    lines,
    totals: {
      subtotal: money(subtotal),
      shipping: money(shipping),
      tax: money(tax),
      total: money(subtotal + shipping + tax),
    },
    currency,
  };
};
