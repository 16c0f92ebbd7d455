import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionsDeps } from '../src/application/promotions.deps.ts';
import { createPromotionTasks } from '../src/application/promotions.tasks.ts';
import { checkPromotion, createPromotion, updatePromotion } from '../src/application/promotions.use-cases.ts';
import { redeemPromotion, releasePromotion } from '../src/application/redemption.use-cases.ts';
import { lines, outboxEvents, promotionRequest, startPromotionsDb, usd } from './promotions.fixture.ts';

let db: TestDynamoDb;
let deps: PromotionsDeps;

beforeAll(async () => {
  ({ db, deps } = await startPromotionsDb());
});
afterAll(() => db.stop());

const redeem = (code: string, orderId: string, customerId = 'alice', subtotal = 4000) =>
  redeemPromotion(deps, { orderId, customerId, code, lines: lines(subtotal) });

describe('createPromotion', () => {
  it('refuses a code that exists in another case', async () => {
    const request = promotionRequest({});
    await createPromotion(deps, request);
    await expect(createPromotion(deps, { ...request, kind: 'percent', value: 20 })).rejects.toMatchObject({
      code: 'PROMOTION.EXISTS',
      status: 409,
    });
  });
});

describe('checkPromotion', () => {
  it('answers the terms and the discount, or the reason of a refusal', async () => {
    const promotion = await createPromotion(
      deps,
      promotionRequest({ kind: 'amount', value: usd(700), minSubtotal: usd(3000) }),
    );
    expect(await checkPromotion(deps, { code: promotion.code, subtotal: usd(4000) })).toEqual({
      outcome: 'applicable',
      terms: { code: promotion.code, kind: 'amount', value: usd(700), minSubtotal: usd(3000) },
      discount: usd(700),
    });
    expect(await checkPromotion(deps, { code: promotion.code, subtotal: usd(2000) })).toMatchObject({
      outcome: 'refused',
      reason: 'BELOW_MINIMUM',
    });
    expect(await checkPromotion(deps, { code: 'NOPE-NOT-HERE', subtotal: usd(2000) })).toMatchObject({
      outcome: 'refused',
      reason: 'NOT_FOUND',
    });
  });

  it("counts a signed-in customer's own redemptions against maxPerCustomer", async () => {
    const promotion = await createPromotion(deps, promotionRequest({ maxPerCustomer: 1 }));
    await redeem(promotion.code, `o-${promotion.code}-1`, 'carol');
    expect(
      await checkPromotion(deps, { code: promotion.code, subtotal: usd(4000), customerId: 'carol' }),
    ).toMatchObject({
      outcome: 'refused',
      reason: 'EXHAUSTED',
    });
    expect(
      await checkPromotion(deps, { code: promotion.code, subtotal: usd(4000), customerId: 'dave' }),
    ).toMatchObject({
      outcome: 'applicable',
    });
  });
});

describe('redeemPromotion and releasePromotion', () => {
  it('redeem once per order, count it, publish it, and give it back once', async () => {
    const promotion = await createPromotion(deps, promotionRequest({ value: 25, maxRedemptions: 5 }));
    const orderId = `o-${promotion.code}`;
    const first = await redeem(promotion.code.toLowerCase(), orderId);
    expect(first).toEqual({ orderId, code: promotion.code, discount: usd(1000) });
    expect(await redeem(promotion.code, orderId)).toEqual(first);
    expect((await deps.promotions.get(promotion.code))?.redemptions).toBe(1);
    expect(await deps.promotions.customerRedemptions(promotion.code, 'alice')).toBe(1);

    expect(await releasePromotion(deps, orderId)).toEqual({ orderId, outcome: 'released' });
    expect(await releasePromotion(deps, orderId)).toEqual({ orderId, outcome: 'already-released' });
    expect(await releasePromotion(deps, 'o-without-code')).toEqual({
      orderId: 'o-without-code',
      outcome: 'not-redeemed',
    });
    expect((await deps.promotions.get(promotion.code))?.redemptions).toBe(0);
    expect(await deps.promotions.customerRedemptions(promotion.code, 'alice')).toBe(0);

    const events = (await outboxEvents(db)).filter((event) => event.correlationId === orderId);
    expect(events.map((event) => event.type).sort()).toEqual([
      'promotions.promotion-redeemed',
      'promotions.promotion-released',
    ]);
  });

  it('refuse with PromotionExhausted or PromotionUnavailable under the names the saga catches', async () => {
    const tasks = createPromotionTasks(deps);
    const used = await createPromotion(deps, promotionRequest({ maxRedemptions: 1 }));
    await redeem(used.code, `o-${used.code}-1`);
    await expect(
      tasks.redeemPromotion({
        orderId: `o-${used.code}-2`,
        customerId: 'bob',
        code: used.code,
        lines: lines(4000),
      }),
    ).rejects.toMatchObject({ name: 'PromotionExhausted' });

    const minimum = await createPromotion(deps, promotionRequest({ minSubtotal: usd(5000) }));
    await expect(
      tasks.redeemPromotion({
        orderId: `o-${minimum.code}`,
        customerId: 'bob',
        code: minimum.code,
        lines: lines(4000),
      }),
    ).rejects.toMatchObject({ name: 'PromotionUnavailable' });

    const inactive = await createPromotion(deps, promotionRequest({}));
    await updatePromotion(deps, inactive.code, { active: false });
    await expect(
      tasks.redeemPromotion({
        orderId: `o-${inactive.code}`,
        customerId: 'bob',
        code: inactive.code,
        lines: lines(4000),
      }),
    ).rejects.toMatchObject({ name: 'PromotionUnavailable' });
    await expect(tasks.releasePromotion({})).rejects.toMatchObject({ name: 'TaskInputInvalid' });
  });

  it('a released redemption makes room for another order', async () => {
    const promotion = await createPromotion(deps, promotionRequest({ maxRedemptions: 1 }));
    await redeem(promotion.code, `o-${promotion.code}-1`);
    await expect(redeem(promotion.code, `o-${promotion.code}-2`)).rejects.toMatchObject({
      code: 'PROMOTION.EXHAUSTED',
    });
    await releasePromotion(deps, `o-${promotion.code}-1`);
    await expect(redeem(promotion.code, `o-${promotion.code}-2`)).resolves.toMatchObject({
      discount: usd(400),
    });
  });

  it('ten orders redeeming a code with maxRedemptions 3 at once: exactly three win', async () => {
    const promotion = await createPromotion(deps, promotionRequest({ maxRedemptions: 3 }));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        redeem(promotion.code, `o-${promotion.code}-${i}`, `shopper-${i}`),
      ),
    );
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(won).toHaveLength(3);
    expect(lost).toHaveLength(7);
    for (const error of lost) expect(error).toMatchObject({ code: 'PROMOTION.EXHAUSTED' });
    expect((await deps.promotions.get(promotion.code))?.redemptions).toBe(3);
  });
});
