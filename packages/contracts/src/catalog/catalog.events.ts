import * as z from 'zod';
import { defineEvent } from '../events/event-envelope.schema.ts';
import { Money } from '../money/money.schema.ts';
import { CategoryId, ProductId, ProductStatus, Sku } from './catalog.schemas.ts';

/** Why a `catalog.product-changed` event was published. */
export const ProductChangeKind = z.enum(['created', 'updated', 'archived', 'restored']);
export type ProductChangeKind = z.infer<typeof ProductChangeKind>;

/**
 * `catalog.product-changed` v1: the full current state of a product after a change, so a consumer
 * (the cart) can replace what it holds without calling back. `version` grows by one with every
 * change: ignore an event whose version is not above the one already applied (queues may reorder).
 * A SKU missing from `variants`, or any SKU of a product whose status is `archived`, is no longer sold.
 */
export const ProductChanged = defineEvent(
  'catalog.product-changed',
  1,
  z.object({
    productId: ProductId,
    change: ProductChangeKind,
    version: z.number().int().min(1),
    status: ProductStatus,
    name: z.string(),
    category: CategoryId,
    variants: z.array(z.object({ sku: Sku, name: z.string(), price: Money })),
    updatedAt: z.iso.datetime(),
  }),
);
export type ProductChangedData = z.infer<typeof ProductChanged.data>;
