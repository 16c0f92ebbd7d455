import { CATALOG_TASKS, LOOKUP_SKUS_FUNCTION } from '@shop/contracts/catalog';
import { httpRoutesOf, invokedFunctionVariable, resolveInvokedFunction } from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES_FUNCTION_VARIABLE } from '../src/env.ts';
import catalogService from '../src/service.ts';

describe('catalog service definition', () => {
  it('declares the HTTP API of the blueprint with admin routes behind the JWT authorizer', () => {
    const http = catalogService.functions.find((fn) => fn.id === 'http');
    if (!http) throw new Error('no http function');
    expect(httpRoutesOf(http)).toEqual([
      { method: 'GET', path: '/products', auth: 'none' },
      { method: 'GET', path: '/products/{productId}', auth: 'none' },
      { method: 'GET', path: '/categories', auth: 'none' },
      { method: 'POST', path: '/products', auth: 'jwt' },
      { method: 'PATCH', path: '/products/{productId}', auth: 'jwt' },
      { method: 'DELETE', path: '/products/{productId}', auth: 'jwt' },
      { method: 'POST', path: '/products/{productId}/images', auth: 'jwt' },
      { method: 'DELETE', path: '/products/{productId}/images/{imageId}', auth: 'jwt' },
      { method: 'GET', path: '/inventory/{sku}', auth: 'none' },
      { method: 'PUT', path: '/inventory/{sku}', auth: 'jwt' },
    ]);
  });

  it('declares the saga tasks, the SKU lookup, the order.confirmed consumer, the expiry job and the outbox relay', () => {
    const triggers = Object.fromEntries(
      catalogService.functions.map((fn) => [fn.name, fn.triggers.map((t) => t.type)]),
    );
    expect(triggers).toEqual({
      'catalog-http': ['http'],
      'catalog-reserve-stock': ['task'],
      'catalog-release-stock': ['task'],
      'catalog-restock-order': ['task'],
      'catalog-lookup-skus': ['invoke'],
      'catalog-commit-stock': ['sqs'],
      'catalog-expire-reservations': ['schedule'],
      'catalog-record-image': ['s3'],
      'catalog-outbox-relay': ['stream'],
    });
    const expiry = catalogService.functions.find((fn) => fn.id === 'expireReservations');
    expect(expiry?.triggers).toEqual([{ type: 'schedule', rate: 'rate(1 minute)' }]);
    expect(expiry?.invokes).toEqual(['order.orderStatuses']);
    expect(invokedFunctionVariable('order.orderStatuses')).toBe(ORDER_STATUSES_FUNCTION_VARIABLE);
    expect(catalogService.functions.find((fn) => fn.id === 'recordImage')?.triggers).toEqual([
      { type: 's3', events: ['ObjectCreated'], prefix: 'products/' },
    ]);
    expect(catalogService.bucket).toEqual({});
    const events = catalogService.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) => (trigger.type === 'sqs' ? trigger.events : [])),
    );
    expect(events).toEqual(['order.confirmed']);
    const tasks = catalogService.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) => (trigger.type === 'task' ? [trigger.name] : [])),
    );
    expect(tasks).toEqual([
      CATALOG_TASKS.reserveStock,
      CATALOG_TASKS.releaseStock,
      CATALOG_TASKS.restockOrder,
    ]);
    const lookup = catalogService.functions.find((fn) => fn.id === 'lookupSkus');
    expect(lookup?.triggers).toEqual([{ type: 'invoke' }]);
    expect(catalogService.publishes).toEqual(['catalog.product-changed']);
    expect(catalogService.table?.stream).toBe('NEW_AND_OLD_IMAGES');
  });

  it('offers lookupSkus under the reference other services list in invokes', () => {
    expect(resolveInvokedFunction([catalogService], LOOKUP_SKUS_FUNCTION).name).toBe('catalog-lookup-skus');
  });

  it('points every function at an entry file that exists', async () => {
    const { existsSync } = await import('node:fs');
    for (const fn of catalogService.functions) expect(existsSync(fn.entry), fn.entry).toBe(true);
  });
});
