import { Money } from '@shop/contracts';
import { ProductStatus, ReservedLine } from '@shop/contracts/catalog';
import { z } from 'zod';
import type { ProductRecord } from '../domain/product.entity.ts';
import type { Reservation, SkuStock } from '../domain/stock.entity.ts';

/**
 * Schemas of stored items: a read checks what it got instead of trusting a cast, so an item written
 * by an older version fails loudly here rather than somewhere downstream.
 */
const ProductItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  status: ProductStatus,
  variants: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      attributes: z.record(z.string(), z.string()).default({}),
      price: Money,
    }),
  ),
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const SkuItem = z.object({
  sku: z.string(),
  productId: z.string(),
  productName: z.string(),
  name: z.string(),
  price: Money,
  status: z.enum(['active', 'archived', 'removed']),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
});

const ReservationItem = z.object({
  orderId: z.string(),
  status: z.enum(['RESERVED', 'RELEASED', 'COMMITTED']),
  lines: z.array(ReservedLine),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const productOf = (item: Record<string, unknown>): ProductRecord => ProductItem.parse(item);
export const skuStockOf = (item: Record<string, unknown>): SkuStock => SkuItem.parse(item);
export const reservationOf = (item: Record<string, unknown>): Reservation => ReservationItem.parse(item);
