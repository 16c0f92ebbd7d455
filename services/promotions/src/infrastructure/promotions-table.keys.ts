import type { Promotion, Redemption } from '../domain/promotion.entity.ts';

/** Key layout of the promotions table (see the README). */
export const promotionKey = (code: string) => ({ pk: `PROMOTION#${code}`, sk: 'PROMOTION' });
/** A customer's count of one code: in the promotion's partition. */
export const customerUsageKey = (code: string, customerId: string) => ({
  pk: `PROMOTION#${code}`,
  sk: `CUSTOMER#${customerId}`,
});
export const redemptionKey = (orderId: string) => ({ pk: `REDEMPTION#${orderId}`, sk: 'REDEMPTION' });

/** gsi1: every promotion, by code (the admin listing). */
export const ALL_PROMOTIONS = { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk', partition: 'PROMOTIONS' } as const;

/** The terms sit in `terms` (`{kind, value}`): `kind` at the top names the item's type. */
export const promotionItemOf = (promotion: Promotion): Record<string, unknown> => {
  const { kind, value, ...rest } = promotion;
  return {
    ...promotionKey(promotion.code),
    gsi1pk: ALL_PROMOTIONS.partition,
    gsi1sk: promotion.code,
    kind: 'promotion',
    ...rest,
    terms: { kind, value },
  };
};

export const redemptionItemOf = (redemption: Redemption): Record<string, unknown> => ({
  ...redemptionKey(redemption.orderId),
  kind: 'redemption',
  ...redemption,
});
