import type { CartOwner } from '../domain/cart-owner.ts';

/**
 * Key layout of the cart table (see the README's access patterns):
 * - `CART#CUSTOMER#<sub>` / `CART`: a customer's cart, lines in one map attribute;
 * - `CART#GUEST#<cartId>` / `CART`: a guest cart, with an `expiresAt` TTL;
 * - `SKU#<sku>` / `SKU`: the replica of a SKU, indexed by product in `gsi1` (`PRODUCT#<productId>`).
 */
export const CART_SK = 'CART';
export const SKU_SK = 'SKU';

export const cartKey = (owner: CartOwner) => ({
  pk: owner.kind === 'customer' ? `CART#CUSTOMER#${owner.customerId}` : `CART#GUEST#${owner.cartId}`,
  sk: CART_SK,
});

export const skuKey = (sku: string) => ({ pk: `SKU#${sku}`, sk: SKU_SK });

export const productSkusPartition = (productId: string): string => `PRODUCT#${productId}`;
export const productSkuSortKey = (sku: string): string => `SKU#${sku}`;

/** The SKU of a `gsi1sk`, or undefined for anything else. */
export const skuOfSortKey = (value: unknown): string | undefined =>
  typeof value === 'string' && value.startsWith('SKU#') ? value.slice('SKU#'.length) : undefined;
