import type { Product, ProductChangedData, Sku } from '@shop/contracts/catalog';
import { changeKindOf, type ProductRecord } from '../domain/product.entity.ts';

/**
 * The API's product: the stored one with each variant's available units (0 when unknown) and its
 * images at the content delivery URL (none where the function has no bucket).
 */
export const productViewOf = (
  product: ProductRecord,
  availability: ReadonlyMap<Sku, number>,
  imagesPublicUrl?: string,
): Product => ({
  id: product.id,
  name: product.name,
  description: product.description,
  category: product.category,
  status: product.status,
  variants: product.variants.map((variant) => ({
    sku: variant.sku,
    name: variant.name,
    attributes: { ...variant.attributes },
    price: variant.price,
    available: Math.max(0, availability.get(variant.sku) ?? 0),
  })),
  images:
    imagesPublicUrl === undefined
      ? []
      : product.images.map((image) => ({
          id: image.id,
          url: `${imagesPublicUrl}/${image.key}`,
          alt: image.alt,
        })),
  createdAt: product.createdAt,
  updatedAt: product.updatedAt,
});

/** The payload of `catalog.product-changed` for a product after a change. */
export const productChangedOf = (
  previous: ProductRecord | undefined,
  next: ProductRecord,
): ProductChangedData => ({
  productId: next.id,
  change: changeKindOf(previous, next),
  version: next.version,
  status: next.status,
  name: next.name,
  category: next.category,
  variants: next.variants.map((variant) => ({ sku: variant.sku, name: variant.name, price: variant.price })),
  updatedAt: next.updatedAt,
});
