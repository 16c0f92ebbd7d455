import { discountOf } from '@shop/contracts/promotions';
import { describe, expect, it } from 'vitest';
import { changePromotion, newPromotion, refusalOf } from '../src/domain/promotion.entity.ts';
import { promotionRequest, usd } from './promotions.fixture.ts';

const now = new Date('2026-06-01T12:00:00.000Z');

describe('a promotion', () => {
  it('starts active, unused, valid from now unless told otherwise', () => {
    const promotion = newPromotion(promotionRequest({ code: 'summer10' }), now);
    expect(promotion).toMatchObject({
      code: 'SUMMER10',
      kind: 'percent',
      value: 10,
      startsAt: now.toISOString(),
      active: true,
      redemptions: 0,
      version: 1,
    });
    expect(promotion).not.toHaveProperty('endsAt');
  });

  it('keeps its dates in one format, whatever precision they were given in', () => {
    const promotion = newPromotion(
      promotionRequest({ startsAt: '2026-06-01T00:00:00Z', endsAt: '2026-07-01T00:00:00.5Z' }),
      now,
    );
    expect(promotion).toMatchObject({
      startsAt: '2026-06-01T00:00:00.000Z',
      endsAt: '2026-07-01T00:00:00.500Z',
    });
    expect(changePromotion(promotion, { startsAt: '2026-06-02T00:00:00Z' }, now).startsAt).toBe(
      '2026-06-02T00:00:00.000Z',
    );
  });

  it('changes dates and limits, removes one given null, and deactivates', () => {
    const promotion = newPromotion(promotionRequest({ maxRedemptions: 5, maxPerCustomer: 1 }), now);
    const changed = changePromotion(
      promotion,
      { maxRedemptions: 10, maxPerCustomer: null, active: false, endsAt: '2026-07-01T00:00:00.000Z' },
      now,
    );
    expect(changed).toMatchObject({
      maxRedemptions: 10,
      active: false,
      endsAt: '2026-07-01T00:00:00.000Z',
      version: 2,
    });
    expect(changed).not.toHaveProperty('maxPerCustomer');
  });

  it('refuses with a reason for each way a code cannot be used', () => {
    const base = newPromotion(
      promotionRequest({
        startsAt: '2026-05-01T00:00:00.000Z',
        endsAt: '2026-07-01T00:00:00.000Z',
        minSubtotal: usd(2000),
        maxRedemptions: 2,
        maxPerCustomer: 1,
      }),
      now,
    );
    const use = { subtotal: usd(3000), now };
    expect(refusalOf(base, use)).toBeUndefined();
    expect(refusalOf({ ...base, active: false }, use)?.reason).toBe('INACTIVE');
    expect(refusalOf(base, { ...use, now: new Date('2026-04-30T00:00:00.000Z') })?.reason).toBe(
      'NOT_YET_VALID',
    );
    expect(refusalOf(base, { ...use, now: new Date('2026-07-01T00:00:00.000Z') })?.reason).toBe('EXPIRED');
    expect(refusalOf({ ...base, redemptions: 2 }, use)?.reason).toBe('EXHAUSTED');
    expect(refusalOf(base, { ...use, customerRedemptions: 1 })?.reason).toBe('EXHAUSTED');
    expect(refusalOf(base, { ...use, subtotal: usd(1999) })?.reason).toBe('BELOW_MINIMUM');
  });
});

describe('the discount of a promotion', () => {
  it('takes a percentage rounded down, caps an amount at the subtotal, and is zero below the minimum', () => {
    expect(discountOf({ kind: 'percent', value: 15 }, usd(3333))).toEqual(usd(499));
    expect(discountOf({ kind: 'percent', value: 100 }, usd(3333))).toEqual(usd(3333));
    expect(discountOf({ kind: 'amount', value: usd(500) }, usd(3333))).toEqual(usd(500));
    expect(discountOf({ kind: 'amount', value: usd(5000) }, usd(3333))).toEqual(usd(3333));
    expect(discountOf({ kind: 'amount', value: { amount: 500, currency: 'EUR' } }, usd(3333))).toEqual(
      usd(0),
    );
    expect(discountOf({ kind: 'percent', value: 10, minSubtotal: usd(4000) }, usd(3333))).toEqual(usd(0));
  });
});
