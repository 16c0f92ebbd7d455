import type { Promotion as PromotionDto, PromotionPage } from '@shop/contracts/promotions';
import type { Promotion } from '../domain/promotion.entity.ts';
import type { PromotionPageResult } from '../domain/promotions.repository.port.ts';

/** The public shape: `version` stays inside. */
export const promotionViewOf = (promotion: Promotion): PromotionDto => {
  const { version: _version, ...view } = promotion;
  return view;
};

export const promotionPageOf = (page: PromotionPageResult): PromotionPage => ({
  items: page.items.map(promotionViewOf),
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});
