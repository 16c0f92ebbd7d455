import { httpRoutesOf } from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import service from '../src/service.ts';

describe('promotions service definition', () => {
  it('declares the admin routes, the internal function, both saga tasks and the relay', () => {
    const http = service.functions.find((fn) => fn.id === 'http');
    expect(http && httpRoutesOf(http)).toEqual([
      { method: 'POST', path: '/promotions', auth: 'jwt' },
      { method: 'GET', path: '/promotions', auth: 'jwt' },
      { method: 'PATCH', path: '/promotions/{code}', auth: 'jwt' },
    ]);
    expect(service.functions.find((fn) => fn.id === 'checkPromotion')?.triggers).toEqual([
      { type: 'invoke' },
    ]);
    expect(service.functions.find((fn) => fn.id === 'redeemPromotion')?.triggers).toEqual([
      { type: 'task', name: 'RedeemPromotion' },
    ]);
    expect(service.functions.find((fn) => fn.id === 'releasePromotion')?.triggers).toEqual([
      { type: 'task', name: 'ReleasePromotion' },
    ]);
    expect(service.table?.stream).toBe('NEW_AND_OLD_IMAGES');
    expect(service.publishes).toEqual(['promotions.promotion-redeemed', 'promotions.promotion-released']);
  });
});
