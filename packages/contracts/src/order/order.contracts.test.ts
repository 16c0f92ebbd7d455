import { describe, expect, it } from 'vitest';
import { isCardNumberIssue } from '../payment/index.ts';
import {
  CheckoutRequest,
  CheckoutSagaInput,
  COUNTRY_CODES,
  OrderCancelled,
  OrderConfirmed,
  ShippingAddress,
} from './index.ts';

const address = { name: 'A', line1: '1 Main St', city: 'Town', postalCode: '12345', country: 'US' };

describe('order contracts', () => {
  it('knows the 249 assigned ISO 3166-1 alpha-2 codes', () => {
    expect(COUNTRY_CODES.size).toBe(249);
    for (const code of ['US', 'DE', 'GB', 'JP', 'BR', 'ZA', 'AX', 'SS'])
      expect(COUNTRY_CODES.has(code)).toBe(true);
  });

  it('accepts a shipping address with an assigned country and refuses anything else', () => {
    expect(ShippingAddress.parse({ ...address, line2: 'Apt 4', region: 'CA' })).toMatchObject({
      country: 'US',
    });
    for (const country of ['XX', 'UK', 'us', 'USA', '']) {
      const issue = ShippingAddress.safeParse({ ...address, country }).error?.issues[0];
      expect(issue?.path).toEqual(['country']);
    }
    expect(ShippingAddress.safeParse({ ...address, city: '  ' }).success).toBe(false);
  });

  it('refuses a card number as the payment method with the card-number issue', () => {
    const issue = CheckoutRequest.safeParse({ shippingAddress: address, paymentMethod: '4242424242424242' })
      .error?.issues[0];
    expect(issue && isCardNumberIssue(issue)).toBe(true);
  });

  it('keeps order.confirmed v1 as the catalog consumes it, and defines order.cancelled', () => {
    expect(OrderConfirmed.type).toBe('order.confirmed');
    expect(OrderConfirmed.version).toBe(1);
    const data = {
      orderId: 'o',
      customerId: 'c',
      lines: [{ sku: 'S', quantity: 1 }],
      total: { amount: 1, currency: 'USD' },
    };
    expect(OrderConfirmed.data.parse(data)).toEqual(data);
    expect(OrderCancelled.data.safeParse({ ...data, reason: 'CANCELLED_BY_CUSTOMER' }).success).toBe(true);
  });

  it('requires a reservable line for every checkout saga', () => {
    expect(CheckoutSagaInput.safeParse({ orderId: 'ord_1', stockLines: [] }).success).toBe(false);
  });
});
