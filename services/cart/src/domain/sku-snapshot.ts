import type { Money } from '@shop/contracts';

/** What the cart knows of a SKU: a copy of the catalog's data, kept by events and lookups. */
export interface SkuSnapshot {
  readonly sku: string;
  readonly productId: string;
  readonly productName: string;
  readonly variantName: string;
  readonly price: Money;
  /** The product's status. */
  readonly status: 'active' | 'archived';
  /** False once a product change no longer lists the variant. */
  readonly sold: boolean;
  /** The product's version this copy reflects; an older one never overwrites a newer one. */
  readonly version: number;
}

/** A SKU can be put in a cart only while its product is active and still lists it. */
export const isSellable = (snapshot: SkuSnapshot): boolean => snapshot.status === 'active' && snapshot.sold;

/** How a line is named in the cart: product and variant. */
export const displayName = (snapshot: Pick<SkuSnapshot, 'productName' | 'variantName'>): string =>
  snapshot.variantName && snapshot.variantName !== snapshot.productName
    ? `${snapshot.productName} (${snapshot.variantName})`
    : snapshot.productName;

/**
 * The snapshot fields only, e.g. of a catalog answer that also carries stock: what goes in the
 * replica must not carry a reading that no event keeps current.
 */
export const snapshotFieldsOf = (source: SkuSnapshot): SkuSnapshot => ({
  sku: source.sku,
  productId: source.productId,
  productName: source.productName,
  variantName: source.variantName,
  price: source.price,
  status: source.status,
  sold: source.sold,
  version: source.version,
});
