import { type AuthVariables, getUser } from '@shop/auth';
import { type Auth, createApp } from '@shop/platform/http';
import type { Context } from 'hono';
import type { CatalogDeps } from '../application/catalog.deps.ts';
import { getStockLevel, setOnHand } from '../application/inventory.use-cases.ts';
import {
  archiveProduct,
  createProduct,
  getProduct,
  listCategories,
  listProducts,
  updateProduct,
} from '../application/product.use-cases.ts';
import { deleteProductImage, requestImageUpload } from '../application/product-image.use-cases.ts';
import {
  archiveProductRoute,
  createProductImageRoute,
  createProductRoute,
  deleteProductImageRoute,
  getProductRoute,
  getStockLevelRoute,
  listCategoriesRoute,
  listProductsRoute,
  setInventoryRoute,
  updateProductRoute,
} from './routes.ts';

export interface CatalogAppDeps extends CatalogDeps {
  readonly auth: Auth;
}

const originOf = (c: Context) => ({ correlationId: String(c.get('correlationId')) });

const isAdmin = (c: Context): boolean => {
  const user: unknown = c.get('user');
  return user !== undefined && getUser(c).roles.includes('admin');
};

/**
 * The catalog's HTTP API. Reads are public; writes need the `admin` role (401 without a token,
 * 403 with a customer's).
 */
export const buildApp = (deps: CatalogAppDeps) => {
  const app = createApp<AuthVariables>();
  const admin = [deps.auth.authenticate, deps.auth.requireRole('admin')];

  app.openapi(listProductsRoute, async (c) => {
    const { category, limit, cursor } = c.req.valid('query');
    return c.json(await listProducts(deps, { category, limit, cursor }), 200);
  });

  app.openapi({ ...getProductRoute, middleware: [deps.auth.authenticateOptional] }, async (c) => {
    const { productId } = c.req.valid('param');
    return c.json(await getProduct(deps, productId, { includeArchived: isAdmin(c) }), 200);
  });

  app.openapi(listCategoriesRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listCategories(deps, { limit, cursor }), 200);
  });

  app.openapi({ ...createProductRoute, middleware: admin }, async (c) => {
    const product = await createProduct(deps, c.req.valid('json'), originOf(c));
    return c.json(product, 201, { Location: `/products/${product.id}` });
  });

  app.openapi({ ...updateProductRoute, middleware: admin }, async (c) => {
    const { productId } = c.req.valid('param');
    return c.json(await updateProduct(deps, productId, c.req.valid('json'), originOf(c)), 200);
  });

  app.openapi({ ...archiveProductRoute, middleware: admin }, async (c) => {
    await archiveProduct(deps, c.req.valid('param').productId, originOf(c));
    return c.body(null, 204);
  });

  app.openapi({ ...createProductImageRoute, middleware: admin }, async (c) => {
    const { productId } = c.req.valid('param');
    return c.json(await requestImageUpload(deps, productId, c.req.valid('json')), 201);
  });

  app.openapi({ ...deleteProductImageRoute, middleware: admin }, async (c) => {
    const { productId, imageId } = c.req.valid('param');
    await deleteProductImage(deps, productId, imageId);
    return c.body(null, 204);
  });

  app.openapi(getStockLevelRoute, async (c) =>
    c.json(await getStockLevel(deps, c.req.valid('param').sku), 200),
  );

  app.openapi({ ...setInventoryRoute, middleware: admin }, async (c) => {
    const { sku } = c.req.valid('param');
    return c.json(await setOnHand(deps, sku, c.req.valid('json').onHand), 200);
  });

  return app;
};
