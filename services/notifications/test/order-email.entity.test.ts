import { describe, expect, it } from 'vitest';
import { composeOrderEmail, formatMoney } from '../src/domain/order-email.entity.ts';
import { orderFixture } from './notifications.fixture.ts';

describe('order emails', () => {
  it('writes the confirmation to the order address, with every line, the totals and the shipping address', () => {
    const order = orderFixture();
    const email = composeOrderEmail({ kind: 'confirmed' }, order);
    expect(email?.to).toBe('alice@example.com');
    expect(email?.subject).toBe(`Your Shop order ${order.id} is confirmed`);
    expect(email?.text).toContain('2 x Canvas Cap (Khaki) (CAP-CANVAS-KHA) at $22.00: $44.00');
    expect(email?.text).toContain('1 x Mug "Black & White" <ceramic> (MUG-<B&W>) at $12.50: $12.50');
    for (const total of ['Subtotal: $56.50', 'Shipping: $0.00', 'Tax:      $4.52', 'Total:    $61.02']) {
      expect(email?.text).toContain(total);
    }
    expect(email?.text).toContain('Shipping to:\nAlice Example\n1 Main St\n12345 Springfield\nUS');
    expect(email?.html).toContain(
      '<td style="padding:4px 8px;border-bottom:1px solid #ddd">Canvas Cap (Khaki)',
    );
    expect(email?.html).toContain('<strong>$61.02</strong>');
    expect(email?.html).toContain('Alice Example<br>1 Main St');
  });

  it("shows a promotion code's discount among the totals, and nothing of the kind without one", () => {
    const plain = orderFixture();
    expect(composeOrderEmail({ kind: 'confirmed' }, plain)?.text).not.toContain('Discount');
    const discounted = orderFixture({
      promotionCode: 'SUMMER10',
      totals: { ...plain.totals, discount: { amount: 565, currency: 'USD' } },
    });
    const email = composeOrderEmail({ kind: 'confirmed' }, discounted);
    expect(email?.text).toMatch(/Discount \(SUMMER10\): +-\$5\.65/);
    expect(email?.html).toContain('Discount (SUMMER10)');
  });

  it('names a used-up promotion code as the reason of a rejection', () => {
    const email = composeOrderEmail({ kind: 'rejected', reason: 'PROMOTION_EXHAUSTED' }, orderFixture());
    expect(email?.text).toContain('its promotion code had been used up');
  });

  it('escapes what the order says in the HTML body', () => {
    const email = composeOrderEmail({ kind: 'confirmed' }, orderFixture());
    expect(email?.html).toContain('Mug &quot;Black &amp; White&quot; &lt;ceramic&gt;');
    expect(email?.html).toContain('MUG-&lt;B&amp;W&gt;');
    expect(email?.html).not.toContain('<ceramic>');
  });

  it('says why an order was rejected or cancelled, and what a refund gave back', () => {
    const order = orderFixture();
    const rejected = composeOrderEmail({ kind: 'rejected', reason: 'PAYMENT_DECLINED' }, order);
    expect(rejected?.subject).toBe(`Your Shop order ${order.id} could not be placed`);
    expect(rejected?.text).toContain('your payment method was declined');
    expect(rejected?.text).toContain('You have not been charged');
    expect(rejected?.text).not.toContain('Shipping to:');

    const cancelled = composeOrderEmail({ kind: 'cancelled', reason: 'CANCELLED_BY_CUSTOMER' }, order);
    expect(cancelled?.subject).toBe(`Your Shop order ${order.id} is cancelled`);
    expect(cancelled?.text).toContain('Your order has been cancelled as you asked.');
    expect(composeOrderEmail({ kind: 'cancelled', reason: 'SOMETHING_NEW' }, order)?.text).toContain(
      'Your order has been cancelled.',
    );

    const partial = composeOrderEmail(
      {
        kind: 'refunded',
        amount: { amount: 1000, currency: 'USD' },
        refundedAmount: { amount: 1500, currency: 'USD' },
        fullyRefunded: false,
      },
      order,
    );
    expect(partial?.subject).toBe(`A refund of $10.00 for your Shop order ${order.id}`);
    expect(partial?.text).toContain('$15.00 has been refunded so far');
    for (const email of [rejected, cancelled, partial]) expect(email?.text).toContain('Total:    $61.02');
  });

  it('has no email for an order without an address', () => {
    expect(composeOrderEmail({ kind: 'confirmed' }, orderFixture({ email: undefined }))).toBeUndefined();
  });

  it('formats money in the minor units of its currency', () => {
    expect(formatMoney({ amount: 5351, currency: 'USD' })).toBe('$53.51');
    expect(formatMoney({ amount: 1200, currency: 'JPY' })).toBe('¥1,200');
    expect(formatMoney({ amount: 123456, currency: 'EUR' })).toBe('€1,234.56');
  });
});
