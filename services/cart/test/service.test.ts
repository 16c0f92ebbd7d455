import { CHECKOUT_VIEW_FUNCTION } from '@shop/contracts/cart';
import { LOOKUP_SKUS_FUNCTION } from '@shop/contracts/catalog';
import { CHECK_PROMOTION_FUNCTION } from '@shop/contracts/promotions';
import { buildOpenApiDocument } from '@shop/platform/http/openapi';
import { httpRoutesOf, invokedFunctionVariable } from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import { cartRoutes } from '../src/api/routes.ts';
import cartService from '../src/service.ts';

const fn = (id: string) => {
  const found = cartService.functions.find((f) => f.id === id);
  if (!found) throw new Error(`no function ${id}`);
  return found;
};

describe('the cart service definition', () => {
  it('declares the four functions, their triggers and what they invoke', () => {
    expect(
      cartService.functions.map((f) => ({
        id: f.id,
        name: f.name,
        triggers: f.triggers.map((t) => t.type),
        invokes: f.invokes,
      })),
    ).toEqual([
      {
        id: 'http',
        name: 'cart-http',
        triggers: ['http'],
        invokes: [LOOKUP_SKUS_FUNCTION, CHECK_PROMOTION_FUNCTION],
      },
      {
        id: 'checkoutView',
        name: 'cart-checkout-view',
        triggers: ['invoke'],
        invokes: [LOOKUP_SKUS_FUNCTION],
      },
      { id: 'productChanged', name: 'cart-product-changed', triggers: ['sqs'], invokes: [] },
      { id: 'orderConfirmed', name: 'cart-order-confirmed', triggers: ['sqs'], invokes: [] },
    ]);
    expect(fn('productChanged').triggers).toEqual([
      { type: 'sqs', events: ['catalog.product-changed'], batchSize: 10 },
    ]);
    expect(fn('orderConfirmed').triggers).toEqual([
      { type: 'sqs', events: ['order.confirmed'], batchSize: 10 },
    ]);
    expect(invokedFunctionVariable(LOOKUP_SKUS_FUNCTION)).toBe('CATALOG_LOOKUP_SKUS_FUNCTION_NAME');
  });

  it('names the checkout view function the way the order service invokes it', () => {
    const [service, id] = CHECKOUT_VIEW_FUNCTION.split('.');
    expect(service).toBe(cartService.name);
    expect(fn(id ?? '').triggers).toEqual([{ type: 'invoke' }]);
  });

  it('puts only the merge route behind the gateway JWT authorizer (guests carry no JWT)', () => {
    expect(httpRoutesOf(fn('http'))).toEqual([
      { method: 'POST', path: '/carts', auth: 'none' },
      { method: 'GET', path: '/cart', auth: 'none' },
      { method: 'PUT', path: '/cart/items/{sku}', auth: 'none' },
      { method: 'DELETE', path: '/cart/items/{sku}', auth: 'none' },
      { method: 'DELETE', path: '/cart', auth: 'none' },
      { method: 'POST', path: '/cart/merge', auth: 'jwt' },
      { method: 'PUT', path: '/cart/promotion', auth: 'none' },
      { method: 'DELETE', path: '/cart/promotion', auth: 'none' },
    ]);
  });

  it('has a TTL attribute for guest carts and idempotency records, and publishes nothing', () => {
    expect(cartService.table?.timeToLiveAttribute).toBe('expiresAt');
    expect(cartService.table?.stream).toBeUndefined();
    expect(cartService.publishes ?? []).toEqual([]);
  });

  it('documents every route in the OpenAPI document, with the Cart schema as a component', () => {
    const document = buildOpenApiDocument(cartRoutes, { title: 'Shop', version: '1' });
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      '/cart',
      '/cart/items/{sku}',
      '/cart/merge',
      '/cart/promotion',
      '/carts',
    ]);
    expect(document.components?.schemas).toHaveProperty('Cart');
    expect(document.paths?.['/cart']?.get?.security).toEqual([{ bearerAuth: [] }, { cartToken: [] }]);
  });
});
