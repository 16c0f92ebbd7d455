import { Money } from '@shop/contracts';
import { ImageContentType, ProductStatus, ReservedLine } from '@shop/contracts/catalog';
import * as z from 'zod';
import type { ProductRecord } from '../domain/product.entity.ts';
import type { ImageUpload } from '../domain/product-image.entity.ts';
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
  // Products written before they had images have none.
  images: z
    .array(
      z.object({
        id: z.string(),
        key: z.string(),
        alt: z.string(),
        contentType: ImageContentType,
        size: z.number().int(),
        createdAt: z.string(),
      }),
    )
    .default([]),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const ImageUploadItem = z.object({
  productId: z.string(),
  imageId: z.string(),
  key: z.string(),
  contentType: ImageContentType,
  contentLength: z.number().int(),
  alt: z.string(),
  createdAt: z.string(),
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

/**
 * What `lookupSkus` reads of a SKU item. `productVersion` is missing on items written before SKU
 * items carried it; the product is read for those. `available` is read in the same projection, so
 * the stock costs no extra round trip.
 */
const SkuLookupItem = z.object({
  sku: z.string(),
  productId: z.string(),
  productName: z.string(),
  name: z.string(),
  price: Money,
  status: z.enum(['active', 'archived', 'removed']),
  productVersion: z.number().int().min(1).optional(),
  available: z.number().int(),
});
export type SkuLookupItem = z.infer<typeof SkuLookupItem>;
export const SKU_LOOKUP_ATTRIBUTES = Object.keys(SkuLookupItem.shape);

const ProductVersionItem = z.object({ id: z.string(), version: z.number().int().min(1) });
export const PRODUCT_REVISION_ATTRIBUTES = Object.keys(ProductVersionItem.shape);

const ReservationItem = z.object({
  orderId: z.string(),
  status: z.enum(['RESERVED', 'RELEASED', 'COMMITTED', 'RESTOCKED']),
  lines: z.array(ReservedLine),
  createdAt: z.string(),
  updatedAt: z.string(),
  holdUntil: z.string().optional(),
});

export const productOf = (item: Record<string, unknown>): ProductRecord => ProductItem.parse(item);
export const imageUploadOf = (item: Record<string, unknown>): ImageUpload => ImageUploadItem.parse(item);
export const skuStockOf = (item: Record<string, unknown>): SkuStock => SkuItem.parse(item);
export const reservationOf = (item: Record<string, unknown>): Reservation => ReservationItem.parse(item);
export const skuLookupOf = (item: Record<string, unknown>): SkuLookupItem => SkuLookupItem.parse(item);
export const productVersionOf = (item: Record<string, unknown>) => ProductVersionItem.parse(item);
