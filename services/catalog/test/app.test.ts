import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDevIssuer, type DevIssuer } from '@shop/auth/dev-issuer';
import { parseEvent } from '@shop/contracts';
import { ProductChanged } from '@shop/contracts/catalog';
import { createAuth } from '@shop/platform/http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { reserveStock } from '../src/application/stock-reservation.use-cases.ts';
import { type CatalogTestDb, productInput, startCatalogDb, uniqueSku } from './catalog-test.fixture.ts';

vi.stubEnv('LOG_LEVEL', 'SILENT');

let t: CatalogTestDb;
let issuer: DevIssuer;
let app: ReturnType<typeof buildApp>;
let adminToken: string;
let customerToken: string;

beforeAll(async () => {
  t = await startCatalogDb();
  issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...t.deps,
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  adminToken = (await issuer.mint({ sub: 'ada', roles: ['admin'] })).token;
  customerToken = (await issuer.mint({ sub: 'carol', roles: ['customer'] })).token;
});
afterAll(() => t.db.stop());

let categories = 0;
const uniqueCategory = () => {
  categories += 1;
  return `cat-${process.pid % 1000}-${categories}`;
};

const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
  app.request(path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      'x-correlation-id': 'corr-test',
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });

const json = async (response: Response): Promise<Record<string, unknown> & { items?: unknown[] }> =>
  (await response.json()) as Record<string, unknown>;

type ProductBody = {
  id: string;
  name: string;
  status: string;
  category: string;
  variants: { sku: string; price: { amount: number }; available: number }[];
};

const create = async (overrides: Parameters<typeof productInput>[0] = {}, skus?: string[]) => {
  const response = await call('POST', '/products', {
    token: adminToken,
    body: productInput(overrides, skus),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as ProductBody;
};

const expectProblem = async (response: Response, status: number, code?: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const problem = await json(response);
  expect(problem.status).toBe(status);
  if (code) expect(problem.code).toBe(code);
  return problem;
};

const outboxEventsOf = async (productId: string) => {
  // Tests may scan; request paths never do.
  const { Items = [] } = await t.db.documentClient.send(
    new ScanCommand({
      TableName: t.tableName,
      FilterExpression: 'kind = :outbox',
      ExpressionAttributeValues: { ':outbox': 'outbox' },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => parseEvent(ProductChanged, JSON.parse(String(item.event))))
    .filter((event) => event.data.productId === productId)
    .sort((a, b) => a.data.version - b.data.version);
};

describe('admin routes', () => {
  const adminCalls: [string, string, unknown][] = [
    ['POST', '/products', productInput()],
    ['PATCH', '/products/prd-any', { name: 'x' }],
    ['DELETE', '/products/prd-any', undefined],
    ['PUT', '/inventory/ANY-SKU', { onHand: 1 }],
  ];

  it.each(adminCalls)('%s %s is 401 without a token', async (method, path, body) => {
    await expectProblem(await call(method, path, { body }), 401);
  });

  it.each(adminCalls)('%s %s is 403 with a customer token', async (method, path, body) => {
    const problem = await expectProblem(await call(method, path, { token: customerToken, body }), 403);
    expect(problem.detail).toBe('requires role admin');
  });
});

describe('POST /products', () => {
  it('creates an active product whose SKUs start with nothing available', async () => {
    const sku = uniqueSku('NEW');
    const response = await call('POST', '/products', {
      token: adminToken,
      body: productInput({ name: 'Fresh Tee' }, [sku]),
    });
    expect(response.status).toBe(201);
    const product = (await response.json()) as ProductBody & { createdAt: string; updatedAt: string };
    expect(response.headers.get('location')).toBe(`/products/${product.id}`);
    expect(product).toMatchObject({
      name: 'Fresh Tee',
      status: 'active',
      category: 'apparel',
      variants: [
        {
          sku,
          name: 'Variant 1',
          attributes: { size: 'S' },
          price: { amount: 1900, currency: 'USD' },
          available: 0,
        },
      ],
    });
    expect(product.createdAt).toBe(product.updatedAt);
    const fetched = await call('GET', `/products/${product.id}`);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(product);
  });

  it('publishes catalog.product-changed (created) through the outbox with the request correlation id', async () => {
    const product = await create();
    const events = await outboxEventsOf(product.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'catalog.product-changed',
      source: 'catalog',
      correlationId: 'corr-test',
      data: { productId: product.id, change: 'created', version: 1, status: 'active', name: 'Test Tee' },
    });
  });

  it.each([
    [
      'a malformed SKU',
      { variants: [{ sku: 'bad sku', name: 'v', price: { amount: 100, currency: 'USD' } }] },
      '/body/variants/0/sku',
    ],
    [
      'a zero price',
      { variants: [{ sku: 'ZERO-PRICE', name: 'v', price: { amount: 0, currency: 'USD' } }] },
      '/body/variants/0/price/amount',
    ],
    [
      'a fractional price',
      { variants: [{ sku: 'FRAC-PRICE', name: 'v', price: { amount: 9.99, currency: 'USD' } }] },
      '/body/variants/0/price/amount',
    ],
    [
      'an unknown currency',
      { variants: [{ sku: 'BAD-CURRENCY', name: 'v', price: { amount: 100, currency: 'XYZ' } }] },
      '/body/variants/0/price/currency',
    ],
    ['no variants', { variants: [] }, '/body/variants'],
    ['a name too long', { name: 'x'.repeat(121) }, '/body/name'],
    ['an empty name', { name: '   ' }, '/body/name'],
    ['a description too long', { description: 'x'.repeat(4001) }, '/body/description'],
    ['a category that is not a slug', { category: 'Home & Kitchen' }, '/body/category'],
    [
      'two variants with one SKU',
      {
        variants: [
          { sku: 'SAME-SKU', name: 'a', price: { amount: 100, currency: 'USD' } },
          { sku: 'SAME-SKU', name: 'b', price: { amount: 100, currency: 'USD' } },
        ],
      },
      '/body/variants/1/sku',
    ],
    [
      'variants in two currencies',
      {
        variants: [
          { sku: 'CUR-USD', name: 'a', price: { amount: 100, currency: 'USD' } },
          { sku: 'CUR-EUR', name: 'b', price: { amount: 100, currency: 'EUR' } },
        ],
      },
      '/body/variants/1/price/currency',
    ],
  ])('refuses %s with a 400 pointing at the field', async (_, overrides, pointer) => {
    const response = await call('POST', '/products', {
      token: adminToken,
      body: { ...productInput(), ...overrides },
    });
    const problem = await expectProblem(response, 400);
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer })]));
  });

  it('refuses more than 50 variants', async () => {
    const skus = Array.from({ length: 51 }, (_, i) => `MANY-${i}`);
    await expectProblem(
      await call('POST', '/products', { token: adminToken, body: productInput({}, skus) }),
      400,
    );
  });

  it('accepts 50 variants', async () => {
    const skus = Array.from({ length: 50 }, () => uniqueSku('FIFTY'));
    const product = await create({}, skus);
    expect(product.variants).toHaveLength(50);
  });

  it('answers 409 for a SKU of another product and creates nothing', async () => {
    const taken = uniqueSku('TAKEN');
    const free = uniqueSku('FREE');
    await create({}, [taken]);
    const problem = await expectProblem(
      await call('POST', '/products', {
        token: adminToken,
        body: productInput({ name: 'Copycat' }, [free, taken]),
      }),
      409,
      'CATALOG.DUPLICATE_SKU',
    );
    expect(problem.skus).toEqual([taken]);
    // The transaction claimed nothing: the free SKU is still free.
    await create({}, [free]);
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await app.request('/products', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    await expectProblem(response, 400);
  });
});

describe('GET /products/{productId}', () => {
  it('is 404 for an unknown id and 400 for a malformed one', async () => {
    await expectProblem(await call('GET', '/products/prd-nope'), 404, 'CATALOG.PRODUCT_NOT_FOUND');
    await expectProblem(await call('GET', '/products/NOT%20AN%20ID'), 400);
  });

  it('shows each variant with its availability', async () => {
    const [a, b] = [uniqueSku('AV'), uniqueSku('AV')];
    const product = await create({}, [a, b]);
    await call('PUT', `/inventory/${a}`, { token: adminToken, body: { onHand: 7 } });
    const body = (await (await call('GET', `/products/${product.id}`)).json()) as ProductBody;
    expect(body.variants.map((v) => [v.sku, v.available])).toEqual([
      [a, 7],
      [b, 0],
    ]);
  });
});

describe('PATCH /products/{productId}', () => {
  it('changes name and prices and publishes the new state', async () => {
    const sku = uniqueSku('PATCH');
    const product = await create({}, [sku]);
    const response = await call('PATCH', `/products/${product.id}`, {
      token: adminToken,
      body: {
        name: 'Renamed Tee',
        variants: [{ sku, name: 'Only', price: { amount: 2500, currency: 'USD' } }],
      },
    });
    expect(response.status).toBe(200);
    const updated = (await response.json()) as ProductBody & { updatedAt: string };
    expect(updated).toMatchObject({
      name: 'Renamed Tee',
      variants: [{ sku, name: 'Only', price: { amount: 2500 } }],
    });
    const events = await outboxEventsOf(product.id);
    expect(events.map((e) => [e.data.change, e.data.version])).toEqual([
      ['created', 1],
      ['updated', 2],
    ]);
    expect(events[1]?.data).toMatchObject({
      name: 'Renamed Tee',
      variants: [{ sku, name: 'Only', price: { amount: 2500, currency: 'USD' } }],
    });
  });

  it('is 404 for an unknown product and 400 for an empty or unknown-field patch', async () => {
    await expectProblem(
      await call('PATCH', '/products/prd-nope', { token: adminToken, body: { name: 'x' } }),
      404,
    );
    const product = await create();
    await expectProblem(await call('PATCH', `/products/${product.id}`, { token: adminToken, body: {} }), 400);
    await expectProblem(
      await call('PATCH', `/products/${product.id}`, { token: adminToken, body: { price: 1 } }),
      400,
    );
  });

  it('stops selling a dropped variant, keeps its SKU for the product, and refuses it to others', async () => {
    const [keep, drop] = [uniqueSku('KEEP'), uniqueSku('DROP')];
    const product = await create({}, [keep, drop]);
    await call('PUT', `/inventory/${drop}`, { token: adminToken, body: { onHand: 3 } });
    const patched = await call('PATCH', `/products/${product.id}`, {
      token: adminToken,
      body: { variants: [{ sku: keep, name: 'Kept', price: { amount: 1900, currency: 'USD' } }] },
    });
    expect(patched.status).toBe(200);
    await expectProblem(await call('GET', `/inventory/${drop}`), 404, 'CATALOG.SKU_NOT_FOUND');
    await expectProblem(
      await call('POST', '/products', { token: adminToken, body: productInput({}, [drop]) }),
      409,
      'CATALOG.DUPLICATE_SKU',
    );
    // Bringing it back keeps its stock.
    const restored = await call('PATCH', `/products/${product.id}`, {
      token: adminToken,
      body: {
        variants: [
          { sku: keep, name: 'Kept', price: { amount: 1900, currency: 'USD' } },
          { sku: drop, name: 'Back', price: { amount: 1900, currency: 'USD' } },
        ],
      },
    });
    expect(((await restored.json()) as ProductBody).variants[1]).toMatchObject({ sku: drop, available: 3 });
  });
});

describe('DELETE /products/{productId}', () => {
  it('archives: gone for the public, visible to admins, out of lists, idempotent, restorable', async () => {
    const category = uniqueCategory();
    const sku = uniqueSku('ARCH');
    const product = await create({ category }, [sku]);
    await call('PUT', `/inventory/${sku}`, { token: adminToken, body: { onHand: 4 } });

    expect((await call('DELETE', `/products/${product.id}`, { token: adminToken })).status).toBe(204);
    expect((await call('DELETE', `/products/${product.id}`, { token: adminToken })).status).toBe(204);

    await expectProblem(await call('GET', `/products/${product.id}`), 404);
    await expectProblem(await call('GET', `/products/${product.id}`, { token: customerToken }), 404);
    const asAdmin = await call('GET', `/products/${product.id}`, { token: adminToken });
    expect(((await asAdmin.json()) as ProductBody).status).toBe('archived');
    expect((await json(await call('GET', `/products?category=${category}`))).items).toEqual([]);
    await expectProblem(await call('GET', `/inventory/${sku}`), 404);

    const events = await outboxEventsOf(product.id);
    expect(events.map((e) => e.data.change)).toEqual(['created', 'archived']);

    const restored = await call('PATCH', `/products/${product.id}`, {
      token: adminToken,
      body: { status: 'active' },
    });
    expect(((await restored.json()) as ProductBody).status).toBe('active');
    expect((await json(await call('GET', `/products?category=${category}`))).items).toHaveLength(1);
    expect(await json(await call('GET', `/inventory/${sku}`))).toEqual({ sku, available: 4 });
  });

  it('is 404 for an unknown product', async () => {
    await expectProblem(await call('DELETE', '/products/prd-nope', { token: adminToken }), 404);
  });
});

describe('GET /products', () => {
  it('pages through the active products of a category by name with opaque cursors', async () => {
    const category = uniqueCategory();
    for (const name of ['Echo', 'Alpha', 'Delta', 'Charlie', 'Bravo']) await create({ name, category });
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ category, limit: '2', ...(cursor ? { cursor } : {}) });
      const response = await call('GET', `/products?${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: ProductBody[]; nextCursor?: string };
      expect(page.items.length).toBeLessThanOrEqual(2);
      names.push(...page.items.map((p) => p.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(names).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']);
  });

  it('lists active products of every category', async () => {
    const product = await create({ name: 'Aaaa First', category: uniqueCategory() });
    const page = (await json(await call('GET', '/products?limit=100'))) as { items: ProductBody[] };
    expect(page.items.map((p) => p.id)).toContain(product.id);
    expect(page.items.every((p) => p.status === 'active')).toBe(true);
  });

  it('answers 400 for a tampered, foreign or garbage cursor', async () => {
    const category = uniqueCategory();
    await create({ name: 'One', category });
    await create({ name: 'Two', category });
    const first = (await json(await call('GET', `/products?category=${category}&limit=1`))) as {
      nextCursor: string;
    };
    expect(first.nextCursor).toEqual(expect.any(String));

    const decoded = JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString('utf8'));
    decoded.k.pk = 'RESERVATION#someone-else';
    const tampered = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    for (const cursor of [tampered, 'not-a-cursor', '%%%', Buffer.from('{"v":1}').toString('base64url')]) {
      const problem = await expectProblem(
        await call('GET', `/products?category=${category}&cursor=${encodeURIComponent(cursor)}`),
        400,
      );
      expect(problem.code === 'CATALOG.INVALID_CURSOR' || problem.code === 'REQUEST.INVALID').toBe(true);
    }
    // A cursor of another list: valid, but not here.
    await expectProblem(
      await call('GET', `/products?category=${uniqueCategory()}&cursor=${first.nextCursor}`),
      400,
      'CATALOG.INVALID_CURSOR',
    );
    await expectProblem(
      await call('GET', `/products?cursor=${first.nextCursor}`),
      400,
      'CATALOG.INVALID_CURSOR',
    );
    await expectProblem(
      await call('GET', `/categories?cursor=${first.nextCursor}`),
      400,
      'CATALOG.INVALID_CURSOR',
    );
  });

  it('answers 400 for a bad limit', async () => {
    await expectProblem(await call('GET', '/products?limit=0'), 400);
    await expectProblem(await call('GET', '/products?limit=101'), 400);
    await expectProblem(await call('GET', '/products?limit=abc'), 400);
  });
});

describe('GET /categories', () => {
  it('lists categories with their count of active products', async () => {
    const category = uniqueCategory();
    const one = await create({ category });
    await create({ category });
    const find = async () => {
      const items: { id: string; name: string; productCount: number }[] = [];
      let cursor: string | undefined;
      do {
        const page = (await json(
          await call('GET', `/categories?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        )) as {
          items: typeof items;
          nextCursor?: string;
        };
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items.find((c) => c.id === category);
    };
    expect(await find()).toEqual({ id: category, name: expect.stringMatching(/^Cat /), productCount: 2 });
    await call('DELETE', `/products/${one.id}`, { token: adminToken });
    expect((await find())?.productCount).toBe(1);
  });
});

describe('inventory', () => {
  it('sets onHand (admin) and shows what is available (public)', async () => {
    const sku = uniqueSku('INV');
    await create({}, [sku]);
    const put = await call('PUT', `/inventory/${sku}`, { token: adminToken, body: { onHand: 12 } });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ sku, onHand: 12, reserved: 0, available: 12 });
    expect(await json(await call('GET', `/inventory/${sku}`))).toEqual({ sku, available: 12 });
  });

  it('refuses to set onHand below what orders hold (409)', async () => {
    const sku = uniqueSku('HELD');
    await create({}, [sku]);
    await call('PUT', `/inventory/${sku}`, { token: adminToken, body: { onHand: 5 } });
    await reserveStock(t.deps, { orderId: `o-held-${sku}`, lines: [{ sku, quantity: 3 }] });
    const problem = await expectProblem(
      await call('PUT', `/inventory/${sku}`, { token: adminToken, body: { onHand: 2 } }),
      409,
      'CATALOG.ON_HAND_BELOW_RESERVED',
    );
    expect(problem.reserved).toBe(3);
    const ok = await call('PUT', `/inventory/${sku}`, { token: adminToken, body: { onHand: 3 } });
    expect(await ok.json()).toEqual({ sku, onHand: 3, reserved: 3, available: 0 });
  });

  it('is 404 for an unknown SKU and 400 for a bad one or a bad body', async () => {
    await expectProblem(await call('GET', '/inventory/NO-SUCH-SKU'), 404, 'CATALOG.SKU_NOT_FOUND');
    await expectProblem(
      await call('PUT', '/inventory/NO-SUCH-SKU', { token: adminToken, body: { onHand: 1 } }),
      404,
    );
    await expectProblem(await call('GET', '/inventory/lower-case'), 400);
    const sku = uniqueSku('BODY');
    await create({}, [sku]);
    for (const body of [{ onHand: -1 }, { onHand: 1.5 }, {}, { onHand: 1, reserved: 0 }]) {
      await expectProblem(await call('PUT', `/inventory/${sku}`, { token: adminToken, body }), 400);
    }
  });
});
