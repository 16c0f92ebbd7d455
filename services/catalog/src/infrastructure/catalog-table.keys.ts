/**
 * Key layout of the catalog table (see the access-pattern table in the README). Every item carries a
 * `kind` so stream consumers and people reading the table can tell items apart.
 */
export const PRODUCT_SK = 'PRODUCT';
export const SKU_SK = 'SKU';
export const RESERVATION_SK = 'RESERVATION';
export const CATEGORIES_PK = 'CATEGORIES';
/** gsi1 partition of every active product (sparse: archived products drop their gsi attributes). */
export const ACTIVE_PRODUCTS_PK = 'ACTIVE_PRODUCTS';

export const GSI_ALL_ACTIVE = 'gsi1';
export const GSI_BY_CATEGORY = 'gsi2';
/** gsi3 (keys only, sparse): RESERVED reservations by the end of their hold, over a few partitions. */
export const GSI_HELD_RESERVATIONS = 'gsi3';
/** Held reservations spread over this many gsi3 partitions, so that no one partition takes every checkout. */
export const HELD_RESERVATION_SHARDS = 4;

export const heldPartition = (shard: number) => `HELD#${shard}`;

const shardOf = (orderId: string): number => {
  let hash = 0;
  for (const char of orderId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % HELD_RESERVATION_SHARDS;
};

/** The gsi3 attributes of a RESERVED reservation; every transition out of RESERVED removes them. */
export const heldIndexKeys = (orderId: string, holdUntil: string) => ({
  gsi3pk: heldPartition(shardOf(orderId)),
  gsi3sk: `${holdUntil}#${orderId}`,
});

export const productKey = (id: string) => ({ pk: `PRODUCT#${id}`, sk: PRODUCT_SK });
/** An upload URL handed out for a product, in the product's partition. */
export const imageUploadKey = (productId: string, imageId: string) => ({
  pk: `PRODUCT#${productId}`,
  sk: `UPLOAD#${imageId}`,
});
export const skuKey = (sku: string) => ({ pk: `SKU#${sku}`, sk: SKU_SK });
export const reservationKey = (orderId: string) => ({ pk: `RESERVATION#${orderId}`, sk: RESERVATION_SK });
export const categoryKey = (category: string) => ({ pk: CATEGORIES_PK, sk: `CATEGORY#${category}` });
export const categoryProductsPk = (category: string) => `CATEGORY#${category}`;

/** Products list by name; the id breaks ties so the order is total (cursors rely on it). */
export const productSortKey = (name: string, id: string) => `${name.toLowerCase()}#${id}`;

/** The sparse GSI attributes of an active product; an archived one has none of them. */
export const activeIndexKeys = (product: { id: string; name: string; category: string }) => {
  const sortKey = productSortKey(product.name, product.id);
  return {
    gsi1pk: ACTIVE_PRODUCTS_PK,
    gsi1sk: sortKey,
    gsi2pk: categoryProductsPk(product.category),
    gsi2sk: sortKey,
  };
};
