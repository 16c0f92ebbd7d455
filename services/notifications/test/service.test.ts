import { httpRoutesOf } from '@shop/platform/service';
import { describe, expect, it } from 'vitest';
import service from '../src/service.ts';

describe('notifications service definition', () => {
  it('declares one public route behind the JWT authorizer, one internal function and the relay', () => {
    const http = service.functions.find((fn) => fn.id === 'http');
    expect(http && httpRoutesOf(http)).toEqual([{ method: 'POST', path: '/notifications', auth: 'jwt' }]);
    expect(service.functions.find((fn) => fn.id === 'getEntry')?.triggers).toEqual([{ type: 'invoke' }]);
    expect(service.functions.find((fn) => fn.id === 'outboxRelay')?.triggers).toEqual([
      { type: 'stream', batchSize: 100 },
    ]);
    expect(service.table?.stream).toBe('NEW_AND_OLD_IMAGES');
    expect(service.publishes).toEqual(['notifications.entry-created']);
  });
});
