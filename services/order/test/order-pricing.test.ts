import { describe, expect, it } from 'vitest';
import { MixedCurrenciesError } from '../src/domain/order.errors.ts';
import { PRICING_RULES, priceLines, taxOf } from '../src/domain/order-pricing.ts';

const line = (quantity: number, amount: number, currency = 'USD') => ({
  sku: `SKU-${amount}`,
  productId: 'p',
  name: 'n',
  quantity,
  unitPrice: { amount, currency },
});

describe('order pricing', () => {
  it('charges flat shipping below the free-shipping threshold and 8% tax on the subtotal', () => {
    const { lines, totals } = priceLines([line(2, 1000), line(1, 1599)]);
    expect(lines.map((l) => l.lineTotal.amount)).toEqual([2000, 1599]);
    expect(totals).toEqual({
      subtotal: { amount: 3599, currency: 'USD' },
      discount: { amount: 0, currency: 'USD' },
      shipping: { amount: PRICING_RULES.flatShipping, currency: 'USD' },
      tax: { amount: 288, currency: 'USD' }, // 287.92 rounds up
      total: { amount: 3599 + 599 + 288, currency: 'USD' },
    });
  });

  it('takes the discount off before shipping and tax, never below zero', () => {
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    // 60.00 less 15.00 = 45.00: below the free-shipping threshold now; tax 8% of 45.00.
    expect(priceLines([line(1, 6000)], usd(1500)).totals).toEqual({
      subtotal: usd(6000),
      discount: usd(1500),
      shipping: usd(599),
      tax: usd(360),
      total: usd(4500 + 599 + 360),
    });
    expect(priceLines([line(1, 1000)], usd(5000)).totals).toMatchObject({ discount: usd(1000), tax: usd(0) });
    expect(() => priceLines([line(1, 1000)], { amount: 100, currency: 'EUR' })).toThrow(MixedCurrenciesError);
  });

  it('ships for free from the threshold on', () => {
    expect(priceLines([line(1, 4999)]).totals.shipping.amount).toBe(599);
    expect(priceLines([line(1, 5000)]).totals.shipping.amount).toBe(0);
    expect(priceLines([line(1, 5000)]).totals.total.amount).toBe(5000 + 400);
  });

  it('rounds the tax half up, once per order', () => {
    expect(taxOf(1)).toBe(0); // 0.08
    expect(taxOf(6)).toBe(0); // 0.48
    expect(taxOf(7)).toBe(1); // 0.56
    expect(taxOf(1250)).toBe(100); // exactly 100
    expect(taxOf(1256)).toBe(100); // 100.48
    expect(taxOf(1257)).toBe(101); // 100.56
    expect(taxOf(1_000_000_000_000)).toBe(80_000_000_000); // integers stay exact at large amounts
    // Per-order rounding: three lines of 0.56 cents of tax each are 2 cents, not 3.
    expect(priceLines([line(1, 7), line(1, 7), line(1, 7)]).totals.tax.amount).toBe(2);
  });

  it('refuses lines in more than one currency', () => {
    expect(() => priceLines([line(1, 100), line(1, 100, 'EUR')])).toThrow(MixedCurrenciesError);
  });
});
