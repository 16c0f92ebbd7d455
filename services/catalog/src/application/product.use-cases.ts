import type { Page } from '@shop/contracts';
import {
  type Category,
  type CreateProductRequest,
  type Product,
  ProductChanged,
  type ProductId,
  type Sku,
  type UpdateProductRequest,
} from '@shop/contracts/catalog';
import { nowOf } from '@shop/platform/clock';
import { createEvent } from '@shop/platform/outbox';
import { ProductNotFoundError } from '../domain/catalog.errors.ts';
import type { PageRequest } from '../domain/catalog.repository.port.ts';
import {
  applyPatch,
  createProductRecord,
  newProductId,
  type ProductRecord,
} from '../domain/product.entity.ts';
import { CATALOG_SOURCE, type CatalogDeps, type ChangeOrigin } from './catalog.deps.ts';
import { productChangedOf, productViewOf } from './product-view.mapper.ts';

const eventOf = (previous: ProductRecord | undefined, next: ProductRecord, origin: ChangeOrigin, now: Date) =>
  createEvent(
    ProductChanged,
    productChangedOf(previous, next),
    { source: CATALOG_SOURCE, correlationId: origin.correlationId },
    now,
  );

export const withAvailability = async (
  deps: CatalogDeps,
  products: readonly ProductRecord[],
): Promise<Product[]> => {
  const skus = products.flatMap((product) => product.variants.map((variant) => variant.sku));
  const availability = await deps.inventory.availability(skus);
  return products.map((product) => productViewOf(product, availability, deps.images?.publicUrl));
};

export interface CreateProductOptions {
  /** A chosen id (the seed uses readable, deterministic ones); a new `prd-<uuid>` otherwise. */
  readonly id?: ProductId;
  /** Units on hand per SKU at creation (the API starts every SKU at 0). */
  readonly initialStock?: ReadonlyMap<Sku, number>;
}

/** Creates an active product and claims its SKUs; publishes `catalog.product-changed` (created). */
export const createProduct = async (
  deps: CatalogDeps,
  input: CreateProductRequest,
  origin: ChangeOrigin,
  options: CreateProductOptions = {},
): Promise<Product> => {
  const now = nowOf(deps);
  const product = createProductRecord(options.id ?? newProductId(), input, now);
  await deps.products.create(product, eventOf(undefined, product, origin, now), options.initialStock);
  return productViewOf(product, options.initialStock ?? new Map(), deps.images?.publicUrl);
};

/**
 * A product with its variants' availability. Archived products exist only for admins
 * (`includeArchived`); everyone else gets a 404, as for an unknown id.
 */
export const getProduct = async (
  deps: CatalogDeps,
  productId: ProductId,
  options: { includeArchived?: boolean } = {},
): Promise<Product> => {
  const product = await deps.products.get(productId);
  if (!product || (product.status === 'archived' && !options.includeArchived)) {
    throw new ProductNotFoundError(productId);
  }
  const [view] = await withAvailability(deps, [product]);
  if (!view) throw new ProductNotFoundError(productId);
  return view;
};

/** The product after the patch (as it was when the patch changes nothing, which publishes nothing). */
const patchProduct = async (
  deps: CatalogDeps,
  productId: ProductId,
  patch: UpdateProductRequest,
  origin: ChangeOrigin,
): Promise<ProductRecord> => {
  const previous = await deps.products.get(productId);
  if (!previous) throw new ProductNotFoundError(productId);
  const now = nowOf(deps);
  const next = applyPatch(previous, patch, now);
  if (next) await deps.products.update(previous, next, eventOf(previous, next, origin, now));
  return next ?? previous;
};

/**
 * Applies a patch and answers the product with its variants' stock; a patch that changes nothing
 * returns the product as it is and publishes nothing.
 */
export const updateProduct = async (
  deps: CatalogDeps,
  productId: ProductId,
  patch: UpdateProductRequest,
  origin: ChangeOrigin,
): Promise<Product> => {
  const [view] = await withAvailability(deps, [await patchProduct(deps, productId, patch, origin)]);
  if (!view) throw new ProductNotFoundError(productId);
  return view;
};

/**
 * Archives a product (idempotent): it leaves the lists, its SKUs stop selling, reservations stay
 * valid. Nothing is answered, so the stock is not read.
 */
export const archiveProduct = async (
  deps: CatalogDeps,
  productId: ProductId,
  origin: ChangeOrigin,
): Promise<void> => {
  await patchProduct(deps, productId, { status: 'archived' }, origin);
};

export const listProducts = async (
  deps: CatalogDeps,
  query: PageRequest & { category?: string | undefined },
): Promise<Page<Product>> => {
  const page = await deps.products.listActive(query);
  return { ...page, items: await withAvailability(deps, page.items) };
};

export const listCategories = (deps: CatalogDeps, query: PageRequest): Promise<Page<Category>> =>
  deps.products.listCategories(query);
