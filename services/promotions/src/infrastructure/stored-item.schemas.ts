import { Money } from '@shop/contracts';
import { PromotionTerms } from '@shop/contracts/promotions';
import * as z from 'zod';
import type { Promotion, Redemption } from '../domain/promotion.entity.ts';

/** The stored items: a read checks what it got instead of trusting a cast. Keys and `kind` are dropped. */
const PromotionItem = z.object({
  code: z.string(),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  minSubtotal: Money.optional(),
  maxRedemptions: z.number().int().optional(),
  maxPerCustomer: z.number().int().optional(),
  active: z.boolean(),
  redemptions: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().min(1),
  terms: PromotionTerms,
});

const RedemptionItem = z.object({
  orderId: z.string(),
  code: z.string(),
  customerId: z.string(),
  discount: Money,
  status: z.enum(['REDEEMED', 'RELEASED']),
  redeemedAt: z.string(),
  releasedAt: z.string().optional(),
});

const UsageItem = z.object({ redemptions: z.number().int().min(0) });

export const promotionOf = (item: Record<string, unknown>): Promotion => {
  const { terms, ...rest } = PromotionItem.parse(item);
  return { ...rest, ...terms };
};
export const redemptionOf = (item: Record<string, unknown>): Redemption => RedemptionItem.parse(item);
export const usageOf = (item: Record<string, unknown>): number => UsageItem.parse(item).redemptions;
