import { Money } from '@shop/contracts';
import { AppliedPromotionTerms } from '@shop/contracts/promotions';
import * as z from 'zod';
import { byAddedAt, type StoredCart, type StoredLine } from '../domain/cart.entity.ts';
import { customerOwner, guestOwner } from '../domain/cart-owner.ts';
import type { SkuSnapshot } from '../domain/sku-snapshot.ts';

// Schemas of stored items: a read checks what it got instead of trusting a cast, so an item written
// by an older version fails loudly here rather than somewhere downstream.

const SkuItem = z.object({
  sku: z.string(),
  productId: z.string(),
  productName: z.string(),
  variantName: z.string(),
  price: Money,
  status: z.enum(['active', 'archived']),
  sold: z.boolean(),
  version: z.number().int(),
});

/** A replica item as a snapshot (checked, not cast). */
export const snapshotOfReplicaItem = (raw: Record<string, unknown>): SkuSnapshot => SkuItem.parse(raw);

const CartItem = z.object({
  id: z.string(),
  ownerKind: z.enum(['customer', 'guest']),
  ownerId: z.string(),
  lines: z.record(z.string(), z.object({ quantity: z.number().int(), addedAt: z.string() })),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.number().int().optional(),
  promotion: AppliedPromotionTerms.optional(),
});

type RawItem = Record<string, unknown>;

/** A cart item as the domain's stored cart. */
export const cartOf = (raw: RawItem): StoredCart => {
  const item = CartItem.parse(raw);
  const lines: StoredLine[] = Object.entries(item.lines)
    .map(([sku, line]) => ({ sku, quantity: line.quantity, addedAt: line.addedAt }))
    .sort(byAddedAt);
  return {
    id: item.id,
    owner: item.ownerKind === 'customer' ? customerOwner(item.ownerId) : guestOwner(item.ownerId),
    lines,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    ...(item.expiresAt === undefined ? {} : { expiresAt: item.expiresAt }),
    ...(item.promotion === undefined ? {} : { promotion: item.promotion }),
  };
};
