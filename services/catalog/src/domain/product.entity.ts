import type { Money } from '@shop/contracts';
import type { CategoryId, ProductChangeKind, ProductId, ProductStatus, Sku } from '@shop/contracts/catalog';
import type { StoredImage } from './product-image.entity.ts';

export interface Variant {
  readonly sku: Sku;
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly price: Money;
}

/** A product as the catalog stores it; `version` grows by one per change (optimistic locking, event order). */
export interface ProductRecord {
  readonly id: ProductId;
  readonly name: string;
  readonly description: string;
  readonly category: CategoryId;
  readonly status: ProductStatus;
  readonly variants: readonly Variant[];
  /** Checked uploads, oldest first. */
  readonly images: readonly StoredImage[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewProduct {
  readonly name: string;
  readonly description: string;
  readonly category: CategoryId;
  readonly variants: readonly Variant[];
}

export interface ProductPatch {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly category?: CategoryId | undefined;
  readonly status?: ProductStatus | undefined;
  readonly variants?: readonly Variant[] | undefined;
}

export const newProductId = (): ProductId => `prd-${crypto.randomUUID()}`;

export const createProductRecord = (id: ProductId, input: NewProduct, now: Date): ProductRecord => {
  const at = now.toISOString();
  return { id, ...input, status: 'active', images: [], version: 1, createdAt: at, updatedAt: at };
};

/** The product after a patch, or `undefined` when the patch changes nothing. */
export const applyPatch = (
  product: ProductRecord,
  patch: ProductPatch,
  now: Date,
): ProductRecord | undefined => {
  const next: ProductRecord = {
    ...product,
    name: patch.name ?? product.name,
    description: patch.description ?? product.description,
    category: patch.category ?? product.category,
    status: patch.status ?? product.status,
    variants: patch.variants ?? product.variants,
  };
  const same =
    next.name === product.name &&
    next.description === product.description &&
    next.category === product.category &&
    next.status === product.status &&
    JSON.stringify(next.variants) === JSON.stringify(product.variants);
  if (same) return undefined;
  return { ...next, version: product.version + 1, updatedAt: now.toISOString() };
};

/**
 * The product with another list of images: a change of its own (`version` + 1, so a concurrent
 * patch loses its race and reads again), which no other service needs to hear of.
 */
export const withImages = (
  product: ProductRecord,
  images: readonly StoredImage[],
  now: Date,
): ProductRecord => ({
  ...product,
  images,
  version: product.version + 1,
  updatedAt: now.toISOString(),
});

/** What a change means to the rest of the shop (the `change` of `catalog.product-changed`). */
export const changeKindOf = (previous: ProductRecord | undefined, next: ProductRecord): ProductChangeKind => {
  if (!previous) return 'created';
  if (previous.status !== next.status) return next.status === 'archived' ? 'archived' : 'restored';
  return 'updated';
};

/** SKUs the previous version sold and the next one no longer lists. */
export const droppedSkus = (previous: ProductRecord, next: ProductRecord): Sku[] => {
  const kept = new Set(next.variants.map((variant) => variant.sku));
  return previous.variants.map((variant) => variant.sku).filter((sku) => !kept.has(sku));
};

/** `home-kitchen` -> `Home Kitchen`: categories are named after their slug. */
export const categoryNameOf = (category: CategoryId): string =>
  category
    .split('-')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join(' ');
