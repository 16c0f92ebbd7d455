import { describe, expect, it } from 'vitest';
import {
  ApplyPromotionRequest,
  Cart,
  CHECKOUT_VIEW_ERRORS,
  CheckoutViewOutput,
  MergeCartRequest,
  SetCartItemRequest,
} from './index.ts';

describe('cart contracts', () => {
  it.each([1, 50, 99])('accepts the quantity %d', (quantity) => {
    expect(SetCartItemRequest.safeParse({ quantity }).success).toBe(true);
  });

  it.each([0, 100, 2.5, '3'])('refuses the quantity %j', (quantity) => {
    expect(SetCartItemRequest.safeParse({ quantity }).success).toBe(false);
  });

  it('accepts the empty cart of a customer who never wrote one', () => {
    expect(
      Cart.parse({
        id: null,
        items: [],
        subtotal: { amount: 0, currency: 'USD' },
        promotion: null,
        total: { amount: 0, currency: 'USD' },
        updatedAt: null,
      }),
    ).toMatchObject({ id: null });
  });

  it('takes a promotion code in any case and answers it in upper case; refuses a malformed one', () => {
    expect(ApplyPromotionRequest.parse({ code: ' summer10 ' })).toEqual({ code: 'SUMMER10' });
    expect(ApplyPromotionRequest.safeParse({ code: 'no spaces' }).success).toBe(false);
    expect(ApplyPromotionRequest.safeParse({ code: 'ab' }).success).toBe(false);
  });

  it('only takes a compact JWS as a merge token', () => {
    expect(MergeCartRequest.safeParse({ cartToken: 'a.b.c' }).success).toBe(true);
    expect(MergeCartRequest.safeParse({ cartToken: 'not a token' }).success).toBe(false);
  });

  it('keeps the checkout view shape the order service reads', () => {
    const view = {
      cartId: null,
      customerId: 'alice',
      items: [
        {
          sku: 'TEE-M',
          productId: 'prd-tee',
          name: 'Tee (M)',
          quantity: 2,
          unitPrice: { amount: 100, currency: 'USD' },
        },
      ],
      subtotal: { amount: 200, currency: 'USD' },
    };
    expect(CheckoutViewOutput.parse(view)).toEqual(view);
    expect(CHECKOUT_VIEW_ERRORS).toEqual({
      catalogUnavailable: 'CatalogUnavailable',
      invalidInput: 'TaskInputInvalid',
    });
  });
});
