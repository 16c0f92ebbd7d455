import { PageQuery } from '@shop/contracts';
import {
  CategoryPage,
  CreateProductImageRequest,
  CreateProductRequest,
  ImageId,
  InventoryRecord,
  ListProductsQuery,
  Product,
  ProductId,
  ProductImageUpload,
  ProductPage,
  SetInventoryRequest,
  Sku,
  StockLevel,
  UpdateProductRequest,
} from '@shop/contracts/catalog';
import { BEARER_AUTH, createRoute, jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';
import * as z from 'zod';

const tags = ['Catalog'];
const ProductParams = z.object({ productId: ProductId });
const SkuParams = z.object({ sku: Sku });
const ImageParams = z.object({ productId: ProductId, imageId: ImageId });

/** Public, but an admin's token (optional) also reveals archived products. */
const OPTIONAL_BEARER: { [scheme: string]: string[] }[] = [{}, { bearerAuth: [] }];

export const listProductsRoute = createRoute({
  method: 'get',
  path: '/products',
  operationId: 'listProducts',
  summary: 'List active products, by name, optionally of one category',
  tags,
  request: { query: ListProductsQuery },
  responses: { 200: jsonResponse(ProductPage, 'A page of active products'), ...problemResponses(400) },
});

export const getProductRoute = createRoute({
  method: 'get',
  path: '/products/{productId}',
  operationId: 'getProduct',
  summary: 'A product with its variants and their availability',
  description: 'Archived products are 404 unless the caller is an admin.',
  tags,
  security: OPTIONAL_BEARER,
  request: { params: ProductParams },
  responses: { 200: jsonResponse(Product, 'The product'), ...problemResponses(400, 401, 404) },
});

export const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/categories',
  operationId: 'listCategories',
  summary: 'Categories that have active products',
  tags,
  request: { query: PageQuery },
  responses: { 200: jsonResponse(CategoryPage, 'A page of categories'), ...problemResponses(400) },
});

export const createProductRoute = createRoute({
  method: 'post',
  path: '/products',
  operationId: 'createProduct',
  summary: 'Create an active product (admin); every SKU starts with 0 units on hand',
  tags,
  security: BEARER_AUTH,
  request: { body: jsonBody(CreateProductRequest) },
  responses: {
    201: {
      ...jsonResponse(Product, 'The new product'),
      headers: z.object({ Location: z.string().meta({ description: 'The new product' }) }),
    },
    ...problemResponses(400, 401, 403, 409),
  },
});

export const updateProductRoute = createRoute({
  method: 'patch',
  path: '/products/{productId}',
  operationId: 'updateProduct',
  summary: 'Change a product (admin)',
  tags,
  security: BEARER_AUTH,
  request: { params: ProductParams, body: jsonBody(UpdateProductRequest) },
  responses: { 200: jsonResponse(Product, 'The product'), ...problemResponses(400, 401, 403, 404, 409, 422) },
});

export const archiveProductRoute = createRoute({
  method: 'delete',
  path: '/products/{productId}',
  operationId: 'archiveProduct',
  summary: 'Archive a product (admin); idempotent',
  tags,
  security: BEARER_AUTH,
  request: { params: ProductParams },
  responses: { 204: { description: 'Archived' }, ...problemResponses(400, 401, 403, 404, 409) },
});

export const createProductImageRoute = createRoute({
  method: 'post',
  path: '/products/{productId}/images',
  operationId: 'createProductImage',
  summary: 'Get an upload URL for a product image (admin)',
  description:
    'Returns a presigned PUT URL, valid 5 minutes, for exactly the declared type (JPEG, PNG or WebP) and size (at most 5 MiB). ' +
    'Once uploaded, the image is checked (its bytes must be of the declared type, its size the declared one) and listed in the ' +
    "product's `images`; an upload that fails the check is deleted.",
  tags,
  security: BEARER_AUTH,
  request: { params: ProductParams, body: jsonBody(CreateProductImageRequest) },
  responses: {
    201: jsonResponse(ProductImageUpload, 'Where and how to upload the image'),
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

export const deleteProductImageRoute = createRoute({
  method: 'delete',
  path: '/products/{productId}/images/{imageId}',
  operationId: 'deleteProductImage',
  summary: 'Remove an image from a product and delete its file (admin)',
  tags,
  security: BEARER_AUTH,
  request: { params: ImageParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404, 409) },
});

export const getStockLevelRoute = createRoute({
  method: 'get',
  path: '/inventory/{sku}',
  operationId: 'getStockLevel',
  summary: 'Units of a SKU available to order',
  tags,
  request: { params: SkuParams },
  responses: { 200: jsonResponse(StockLevel, 'Availability'), ...problemResponses(400, 404) },
});

export const setInventoryRoute = createRoute({
  method: 'put',
  path: '/inventory/{sku}',
  operationId: 'setInventory',
  summary: 'Set the units on hand of a SKU (admin)',
  tags,
  security: BEARER_AUTH,
  request: { params: SkuParams, body: jsonBody(SetInventoryRequest) },
  responses: {
    200: jsonResponse(InventoryRecord, 'The SKU stock'),
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

/** Every route of the catalog's HTTP function, in the order the API reference lists them. */
export const catalogRoutes = [
  listProductsRoute,
  getProductRoute,
  listCategoriesRoute,
  createProductRoute,
  updateProductRoute,
  archiveProductRoute,
  createProductImageRoute,
  deleteProductImageRoute,
  getStockLevelRoute,
  setInventoryRoute,
];
