import { buildOpenApiDocument } from '@shop/platform/http/openapi';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalogRoutes } from '../src/api/routes.ts';

const FUNCTION_ENV = {
  SERVICE_NAME: 'catalog',
  TABLE_NAME: 'shop-catalog',
  AWS_REGION: 'us-east-1',
  LOG_LEVEL: 'SILENT',
  AUTH_ISSUER: 'https://shop.test',
  AUTH_AUDIENCE: 'shop',
  AUTH_JWKS_URL: 'https://shop.test/.well-known/jwks.json',
  EVENT_ROUTES: '{"catalog.product-changed":[]}',
  BUCKET_NAME: 'shop-catalog',
  BUCKET_PUBLIC_URL: 'https://cdn.shop.test',
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('Lambda entry points', () => {
  const entries: Record<string, () => Promise<{ handler?: unknown }>> = {
    'http.ts': () => import('../src/handlers/http.ts'),
    'reserve-stock.task.ts': () => import('../src/handlers/reserve-stock.task.ts'),
    'release-stock.task.ts': () => import('../src/handlers/release-stock.task.ts'),
    'restock-order.task.ts': () => import('../src/handlers/restock-order.task.ts'),
    'lookup-skus.function.ts': () => import('../src/handlers/lookup-skus.function.ts'),
    'order-confirmed.consumer.ts': () => import('../src/handlers/order-confirmed.consumer.ts'),
    'outbox-relay.ts': () => import('../src/handlers/outbox-relay.ts'),
    'image-uploaded.notification.ts': () => import('../src/handlers/image-uploaded.notification.ts'),
  };

  it.each(Object.keys(entries))(
    '%s loads with the function environment and exports a handler',
    async (file) => {
      for (const [name, value] of Object.entries(FUNCTION_ENV)) vi.stubEnv(name, value);
      const load = entries[file];
      if (!load) throw new Error(`no entry ${file}`);
      expect(typeof (await load()).handler).toBe('function');
    },
  );

  it('fails at cold start, naming the variable, when TABLE_NAME is missing', async () => {
    vi.stubEnv('SERVICE_NAME', 'catalog');
    vi.stubEnv('TABLE_NAME', undefined);
    await expect(import('../src/handlers/reserve-stock.task.ts')).rejects.toThrow(/TABLE_NAME is missing/);
  });

  it('fails at cold start when the image function has no bucket', async () => {
    for (const [name, value] of Object.entries(FUNCTION_ENV)) vi.stubEnv(name, value);
    vi.stubEnv('BUCKET_NAME', undefined);
    await expect(import('../src/handlers/image-uploaded.notification.ts')).rejects.toThrow(
      /BUCKET_NAME is missing/,
    );
  });
});

describe('OpenAPI document', () => {
  it('documents every catalog route with named schemas', () => {
    const document = buildOpenApiDocument(catalogRoutes, { title: 'Shop', version: '1' });
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      '/categories',
      '/inventory/{sku}',
      '/products',
      '/products/{productId}',
      '/products/{productId}/images',
      '/products/{productId}/images/{imageId}',
    ]);
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(
      expect.arrayContaining([
        'Product',
        'ProductVariant',
        'ProductPage',
        'ProductImage',
        'ProductImageUpload',
        'CreateProductImageRequest',
        'Category',
        'InventoryRecord',
        'Problem',
      ]),
    );
  });
});
