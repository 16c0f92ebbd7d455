import type { PromotionsEntry as PromotionsEntryDto } from '@shop/contracts/promotions';
import type { PromotionsEntry } from '../domain/promotions.entity.ts';

/** The public shape: `version` stays inside. */
export const entryViewOf = (entry: PromotionsEntry): PromotionsEntryDto => ({
  id: entry.id,
  authorId: entry.authorId,
  text: entry.text,
  createdAt: entry.createdAt,
});
