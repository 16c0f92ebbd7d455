import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDevIssuer, type DevIssuer } from '@shop/auth/dev-issuer';
import { PROBLEM_CONTENT_TYPE } from '@shop/contracts';
import { Cart, GuestCartCreated, MAX_CART_LINES } from '@shop/contracts/cart';
import type { ProductChangedData } from '@shop/contracts/catalog';
import { TEST_CREDENTIALS, TEST_REGION } from '@shop/local-cloud/testing';
import { type Auth, createAuth } from '@shop/platform/http';
import { CircuitState } from 'cockatiel';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import type { CartDeps } from '../src/application/cart.deps.ts';
import { GUEST_CART_TTL_SECONDS } from '../src/application/cart.use-cases.ts';
import { createSkuLookup } from '../src/composition-root.ts';
import { guestOwner } from '../src/domain/cart-owner.ts';
import { cartKey } from '../src/infrastructure/cart-table.keys.ts';
import { DynamoDbCartRepository } from '../src/infrastructure/dynamodb-cart.repository.ts';
import { DynamoDbProductReplica } from '../src/infrastructure/dynamodb-product.replica.ts';
import { createJoseCartTokens } from '../src/infrastructure/jose-cart.tokens.ts';
import {
  type CartTestEnv,
  catalogFollows,
  fastPolicy,
  LOOKUP_FUNCTION_NAME,
  productChange,
  skuInfo,
  startCartTestEnv,
  uniqueId,
  uniqueSku,
} from './cart-test.fixture.ts';
import { type CatalogMode, startCatalogLambdaDouble } from './catalog-lambda.double.ts';

vi.stubEnv('LOG_LEVEL', 'SILENT');

let t: CartTestEnv;
let issuer: DevIssuer;
let auth: Auth;
let app: ReturnType<typeof buildApp>;

/** Two SKUs of one product in the replica: TEE at 1900, and a second one at 2500. */
let TEE: string;
let HOODIE: string;

beforeAll(async () => {
  t = await startCartTestEnv();
  issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  auth = createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks });
  app = buildApp({ ...t.deps, auth });
  TEE = uniqueSku('TEE');
  HOODIE = uniqueSku('HOODIE');
  await t.publish(
    productChange('prd-basics', [
      { sku: TEE, price: 1900, name: 'M' },
      { sku: HOODIE, price: 2500, name: 'L' },
    ]),
  );
});
afterAll(() => t.stop());

interface CallOptions {
  readonly token?: string;
  readonly cartToken?: string;
  readonly body?: unknown;
}

const callApp = (
  target: ReturnType<typeof buildApp>,
  method: string,
  path: string,
  options: CallOptions = {},
) =>
  target.request(path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.cartToken ? { 'x-cart-token': options.cartToken } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });

const call = (method: string, path: string, options: CallOptions = {}) => callApp(app, method, path, options);

/** A product change the catalog made whose event has not reached the cart's replica yet. */
const catalogFollowsOnly = (change: ProductChangedData) => catalogFollows(t.catalog, change);

const cartOf = async (response: Response): Promise<Cart> => {
  expect(response.status).toBe(200);
  return Cart.parse(await response.json());
};

const expectProblem = async (response: Response, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const body = (await response.json()) as { status: number; code: string };
  expect(body).toMatchObject({ status, code });
  return body;
};

const customerToken = async (sub = uniqueId('alice')) =>
  (await issuer.mint({ sub, roles: ['customer'] })).token;

const newGuestCart = async (): Promise<GuestCartCreated> => {
  const response = await call('POST', '/carts');
  expect(response.status).toBe(201);
  return GuestCartCreated.parse(await response.json());
};

describe('customer carts', () => {
  it('returns an empty cart with a null id to a customer who never wrote one', async () => {
    const cart = await cartOf(await call('GET', '/cart', { token: await customerToken() }));
    expect(cart).toEqual({
      id: null,
      items: [],
      subtotal: { amount: 0, currency: 'USD' },
      promotion: null,
      total: { amount: 0, currency: 'USD' },
      updatedAt: null,
    });
  });

  it('adds lines priced from the replica, and keeps one cart id across writes', async () => {
    const token = await customerToken();
    const first = await cartOf(await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 2 } }));
    const second = await cartOf(await call('PUT', `/cart/items/${HOODIE}`, { token, body: { quantity: 1 } }));
    expect(first.id).toEqual(expect.any(String));
    expect(second.id).toBe(first.id);
    expect(second.items).toEqual([
      {
        sku: TEE,
        productId: 'prd-basics',
        name: 'Classic Tee (M)',
        quantity: 2,
        unitPrice: { amount: 1900, currency: 'USD' },
        lineTotal: { amount: 3800, currency: 'USD' },
      },
      {
        sku: HOODIE,
        productId: 'prd-basics',
        name: 'Classic Tee (L)',
        quantity: 1,
        unitPrice: { amount: 2500, currency: 'USD' },
        lineTotal: { amount: 2500, currency: 'USD' },
      },
    ]);
    expect(second.subtotal).toEqual({ amount: 6300, currency: 'USD' });
    expect(await cartOf(await call('GET', '/cart', { token }))).toEqual(second);
  });

  it('sets, not adds, the quantity of a line already in the cart and keeps its place', async () => {
    const token = await customerToken();
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 2 } });
    await call('PUT', `/cart/items/${HOODIE}`, { token, body: { quantity: 1 } });
    const cart = await cartOf(await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 7 } }));
    expect(cart.items.map((item) => [item.sku, item.quantity])).toEqual([
      [TEE, 7],
      [HOODIE, 1],
    ]);
    expect(cart.subtotal.amount).toBe(7 * 1900 + 2500);
  });

  it('removes a line, and removing it again changes nothing', async () => {
    const token = await customerToken();
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 1 } });
    await call('PUT', `/cart/items/${HOODIE}`, { token, body: { quantity: 1 } });
    const once = await cartOf(await call('DELETE', `/cart/items/${TEE}`, { token }));
    expect(once.items.map((item) => item.sku)).toEqual([HOODIE]);
    const twice = await cartOf(await call('DELETE', `/cart/items/${TEE}`, { token }));
    expect(twice.items).toEqual(once.items);
  });

  it('removing a line from a cart that does not exist returns the empty cart', async () => {
    const cart = await cartOf(await call('DELETE', `/cart/items/${TEE}`, { token: await customerToken() }));
    expect(cart).toMatchObject({ id: null, items: [] });
  });

  it('empties the cart with DELETE /cart (204) and keeps its id', async () => {
    const token = await customerToken();
    const before = await cartOf(await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 3 } }));
    const response = await call('DELETE', '/cart', { token });
    expect(response.status).toBe(204);
    const after = await cartOf(await call('GET', '/cart', { token }));
    expect(after).toMatchObject({ id: before.id, items: [], subtotal: { amount: 0, currency: 'USD' } });
    expect((await call('DELETE', '/cart', { token })).status).toBe(204);
  });

  it("keeps customers' carts apart", async () => {
    const alice = await customerToken();
    const bob = await customerToken(uniqueId('bob'));
    await call('PUT', `/cart/items/${TEE}`, { token: alice, body: { quantity: 1 } });
    expect((await cartOf(await call('GET', '/cart', { token: bob }))).items).toEqual([]);
  });

  it('answers 401 without credentials, 401 for a bad bearer token and 403 without the customer role', async () => {
    await expectProblem(await call('GET', '/cart'), 401, 'CART.CREDENTIALS_MISSING');
    await expectProblem(await call('GET', '/cart', { token: 'not-a-jwt' }), 401, 'AUTH.UNAUTHENTICATED');
    const admin = (await issuer.mint({ sub: 'ada', roles: ['admin'] })).token;
    await expectProblem(await call('GET', '/cart', { token: admin }), 403, 'CART.CUSTOMER_ROLE_REQUIRED');
  });

  it.each([0, 100, 1.5, '2', -1, null])(
    'refuses the quantity %j with a 400 that points at it',
    async (quantity) => {
      const response = await call('PUT', `/cart/items/${TEE}`, {
        token: await customerToken(),
        body: { quantity },
      });
      const problem = await expectProblem(response, 400, 'REQUEST.INVALID');
      expect(problem).toMatchObject({ errors: [expect.objectContaining({ pointer: '/body/quantity' })] });
    },
  );

  it('accepts the bounds 1 and 99', async () => {
    const token = await customerToken();
    expect(
      (await cartOf(await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 1 } }))).items[0]
        ?.quantity,
    ).toBe(1);
    expect(
      (await cartOf(await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 99 } }))).items[0]
        ?.quantity,
    ).toBe(99);
  });

  it('refuses a malformed SKU with 400', async () => {
    const response = await call('PUT', '/cart/items/not-a-sku', {
      token: await customerToken(),
      body: { quantity: 1 },
    });
    await expectProblem(response, 400, 'REQUEST.INVALID');
  });

  it('answers 404 for a SKU the catalog does not know, 422 for an archived one, and writes nothing', async () => {
    const token = await customerToken();
    const unknown = uniqueSku('GHOST');
    await expectProblem(
      await call('PUT', `/cart/items/${unknown}`, { token, body: { quantity: 1 } }),
      404,
      'CART.SKU_NOT_FOUND',
    );
    const archived = uniqueSku('OLD');
    await t.publish(
      productChange(uniqueId('prd-old'), [{ sku: archived, price: 500 }], {
        status: 'archived',
        change: 'archived',
      }),
    );
    await expectProblem(
      await call('PUT', `/cart/items/${archived}`, { token, body: { quantity: 1 } }),
      422,
      'CART.SKU_NOT_AVAILABLE',
    );
    expect(await cartOf(await call('GET', '/cart', { token }))).toMatchObject({ id: null, items: [] });
  });

  it('adds concurrent lines to a new cart without losing one', async () => {
    const token = await customerToken();
    const skus = Array.from({ length: 6 }, () => uniqueSku('RACE'));
    await t.publish(
      productChange(
        uniqueId('prd-race'),
        skus.map((sku) => ({ sku, price: 100 })),
      ),
    );
    const carts = await Promise.all(
      skus.map(async (sku) =>
        cartOf(await call('PUT', `/cart/items/${sku}`, { token, body: { quantity: 1 } })),
      ),
    );
    expect(new Set(carts.map((cart) => cart.id)).size).toBe(1);
    const cart = await cartOf(await call('GET', '/cart', { token }));
    expect(cart.items.map((item) => item.sku).sort()).toEqual([...skus].sort());
  });

  it(`refuses a new SKU beyond ${MAX_CART_LINES} lines with 422, but still updates existing lines`, async () => {
    const token = await customerToken();
    const skus = Array.from({ length: MAX_CART_LINES + 1 }, () => uniqueSku('MANY'));
    await t.publish(
      productChange(
        uniqueId('prd-many'),
        skus.slice(0, 50).map((sku) => ({ sku, price: 100 })),
      ),
    );
    await t.publish(
      productChange(
        uniqueId('prd-many'),
        skus.slice(50).map((sku) => ({ sku, price: 100 })),
      ),
    );
    for (const sku of skus.slice(0, MAX_CART_LINES)) {
      expect((await call('PUT', `/cart/items/${sku}`, { token, body: { quantity: 1 } })).status).toBe(200);
    }
    await expectProblem(
      await call('PUT', `/cart/items/${skus[MAX_CART_LINES]}`, { token, body: { quantity: 1 } }),
      422,
      'CART.TOO_MANY_LINES',
    );
    const updated = await cartOf(
      await call('PUT', `/cart/items/${skus[0]}`, { token, body: { quantity: 4 } }),
    );
    expect(updated.items).toHaveLength(MAX_CART_LINES);
    expect(updated.items[0]?.quantity).toBe(4);
  });
});

describe('guest carts', () => {
  it('creates a guest cart (201) whose token opens it', async () => {
    const { cartId, cartToken } = await newGuestCart();
    expect(await cartOf(await call('GET', '/cart', { cartToken }))).toMatchObject({ id: cartId, items: [] });
    const cart = await cartOf(await call('PUT', `/cart/items/${TEE}`, { cartToken, body: { quantity: 2 } }));
    expect(cart).toMatchObject({
      id: cartId,
      items: [{ sku: TEE, quantity: 2 }],
      subtotal: { amount: 3800 },
    });
    expect((await call('DELETE', '/cart', { cartToken })).status).toBe(204);
    expect((await cartOf(await call('GET', '/cart', { cartToken }))).items).toEqual([]);
  });

  it('stores the guest cart with an expiresAt TTL seven days out', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { cartId } = await newGuestCart();
    const { Item } = await t.db.documentClient.send(
      new GetCommand({ TableName: t.tableName, Key: cartKey(guestOwner(cartId)) }),
    );
    expect(Item?.expiresAt).toBeGreaterThanOrEqual(before + GUEST_CART_TTL_SECONDS);
    expect(Item?.expiresAt).toBeLessThanOrEqual(before + GUEST_CART_TTL_SECONDS + 5);
  });

  it('refuses a forged token with 401', async () => {
    const { cartId, cartToken } = await newGuestCart();
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(cartId)
      .setIssuer('shop-cart')
      .setAudience('shop-cart')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('someone-else-s-secret-of-32-characters!!'));
    await expectProblem(await call('GET', '/cart', { cartToken: forged }), 401, 'CART.INVALID_CART_TOKEN');
    const [header, , signature] = cartToken.split('.');
    const otherPayload = Buffer.from(
      JSON.stringify({ sub: crypto.randomUUID(), iss: 'shop-cart', aud: 'shop-cart', exp: 9_999_999_999 }),
    ).toString('base64url');
    await expectProblem(
      await call('PUT', `/cart/items/${TEE}`, {
        cartToken: `${header}.${otherPayload}.${signature}`,
        body: { quantity: 1 },
      }),
      401,
      'CART.INVALID_CART_TOKEN',
    );
    await expectProblem(await call('GET', '/cart', { cartToken: 'garbage' }), 401, 'CART.INVALID_CART_TOKEN');
  });

  it('refuses an expired token with 401', async () => {
    const longAgo = new Date(Date.now() - (GUEST_CART_TTL_SECONDS + 60) * 1000);
    const { token } = await t.deps.tokens.issue(crypto.randomUUID(), longAgo);
    const problem = await expectProblem(
      await call('GET', '/cart', { cartToken: token }),
      401,
      'CART.INVALID_CART_TOKEN',
    );
    expect(problem).toMatchObject({ detail: 'the cart token has expired' });
  });

  it('refuses a genuine token whose cart does not exist with 401', async () => {
    const { token } = await t.deps.tokens.issue(crypto.randomUUID(), new Date());
    await expectProblem(await call('GET', '/cart', { cartToken: token }), 401, 'CART.UNKNOWN_CART');
    await expectProblem(
      await call('PUT', `/cart/items/${TEE}`, { cartToken: token, body: { quantity: 1 } }),
      401,
      'CART.UNKNOWN_CART',
    );
    await expectProblem(await call('DELETE', '/cart', { cartToken: token }), 401, 'CART.UNKNOWN_CART');
  });

  it('treats a guest cart past its expiresAt as gone, before the TTL deletes it', async () => {
    const cartId = crypto.randomUUID();
    await t.deps.carts.createGuest(cartId, new Date(Date.now() - 1000), new Date(Date.now() - 10_000));
    // A token that is itself still valid, so only the cart's expiry is tested.
    const { token } = await t.deps.tokens.issue(cartId, new Date());
    await expectProblem(await call('GET', '/cart', { cartToken: token }), 401, 'CART.UNKNOWN_CART');
    await expectProblem(
      await call('PUT', `/cart/items/${TEE}`, { cartToken: token, body: { quantity: 1 } }),
      401,
      'CART.UNKNOWN_CART',
    );
  });

  it('uses the customer cart when a request carries both a bearer token and a cart token', async () => {
    const { cartToken } = await newGuestCart();
    const token = await customerToken();
    await call('PUT', `/cart/items/${TEE}`, { token, cartToken, body: { quantity: 1 } });
    expect((await cartOf(await call('GET', '/cart', { cartToken }))).items).toEqual([]);
    expect((await cartOf(await call('GET', '/cart', { token }))).items).toHaveLength(1);
  });
});

describe('merging a guest cart', () => {
  it('adds quantities up (capped at 99) and deletes the guest cart', async () => {
    const token = await customerToken();
    const third = uniqueSku('CAP');
    await t.publish(productChange(uniqueId('prd-cap'), [{ sku: third, price: 300 }]));
    await call('PUT', `/cart/items/${TEE}`, { token, body: { quantity: 2 } });
    const before = await cartOf(
      await call('PUT', `/cart/items/${HOODIE}`, { token, body: { quantity: 98 } }),
    );
    const guest = await newGuestCart();
    await call('PUT', `/cart/items/${HOODIE}`, { cartToken: guest.cartToken, body: { quantity: 5 } });
    await call('PUT', `/cart/items/${third}`, { cartToken: guest.cartToken, body: { quantity: 1 } });

    const merged = await cartOf(
      await call('POST', '/cart/merge', { token, body: { cartToken: guest.cartToken } }),
    );
    expect(merged.id).toBe(before.id);
    expect(merged.items.map((item) => [item.sku, item.quantity])).toEqual([
      [TEE, 2],
      [HOODIE, 99],
      [third, 1],
    ]);
    expect(merged.subtotal.amount).toBe(2 * 1900 + 99 * 2500 + 300);
    await expectProblem(await call('GET', '/cart', { cartToken: guest.cartToken }), 401, 'CART.UNKNOWN_CART');
  });

  it('merging twice changes nothing the second time', async () => {
    const token = await customerToken();
    const guest = await newGuestCart();
    await call('PUT', `/cart/items/${TEE}`, { cartToken: guest.cartToken, body: { quantity: 3 } });
    const first = await cartOf(
      await call('POST', '/cart/merge', { token, body: { cartToken: guest.cartToken } }),
    );
    const second = await cartOf(
      await call('POST', '/cart/merge', { token, body: { cartToken: guest.cartToken } }),
    );
    expect(second).toEqual(first);
    expect(second.items).toEqual([expect.objectContaining({ sku: TEE, quantity: 3 })]);
  });

  it('merges concurrent requests for one guest cart exactly once', async () => {
    const token = await customerToken();
    const guest = await newGuestCart();
    await call('PUT', `/cart/items/${TEE}`, { cartToken: guest.cartToken, body: { quantity: 4 } });
    const carts = await Promise.all(
      [1, 2, 3].map(async () =>
        cartOf(await call('POST', '/cart/merge', { token, body: { cartToken: guest.cartToken } })),
      ),
    );
    for (const cart of carts)
      expect(cart.items).toEqual([expect.objectContaining({ sku: TEE, quantity: 4 })]);
  });

  it('gives a customer without a cart the guest cart lines under a new id', async () => {
    const token = await customerToken();
    const guest = await newGuestCart();
    await call('PUT', `/cart/items/${HOODIE}`, { cartToken: guest.cartToken, body: { quantity: 2 } });
    const merged = await cartOf(
      await call('POST', '/cart/merge', { token, body: { cartToken: guest.cartToken } }),
    );
    expect(merged.id).toEqual(expect.any(String));
    expect(merged.id).not.toBe(guest.cartId);
    expect(merged.items).toEqual([expect.objectContaining({ sku: HOODIE, quantity: 2 })]);
  });

  it('needs a signed-in customer and a genuine, unexpired cart token', async () => {
    const guest = await newGuestCart();
    await expectProblem(
      await call('POST', '/cart/merge', { cartToken: guest.cartToken, body: { cartToken: guest.cartToken } }),
      401,
      'AUTH.UNAUTHENTICATED',
    );
    const token = await customerToken();
    const otherService = createJoseCartTokens({ secret: 'x'.repeat(40), ttlSeconds: 60 });
    const forged = (await otherService.issue(guest.cartId, new Date())).token;
    await expectProblem(
      await call('POST', '/cart/merge', { token, body: { cartToken: forged } }),
      422,
      'CART.INVALID_MERGE_TOKEN',
    );
    await expectProblem(await call('POST', '/cart/merge', { token, body: {} }), 400, 'REQUEST.INVALID');
  });
});

describe('prices from the catalog when the replica misses', () => {
  it('asks the catalog for a SKU the replica does not hold, then serves it from the replica', async () => {
    const mug = uniqueSku('MUG');
    t.catalog.skus.set(mug, skuInfo(mug, 1200));
    const token = await customerToken();
    const cart = await cartOf(await call('PUT', `/cart/items/${mug}`, { token, body: { quantity: 2 } }));
    expect(cart.items).toEqual([
      {
        sku: mug,
        productId: `prd-${mug.toLowerCase()}`,
        name: 'Mug (Blue)',
        quantity: 2,
        unitPrice: { amount: 1200, currency: 'USD' },
        lineTotal: { amount: 2400, currency: 'USD' },
      },
    ]);
    const callsForMug = () => t.catalog.calls.filter((c) => c.skus.includes(mug));
    expect(callsForMug()).toEqual([{ functionName: LOOKUP_FUNCTION_NAME, skus: [mug] }]);
    await cartOf(await call('GET', '/cart', { token }));
    expect(callsForMug()).toHaveLength(1);
  });

  it('answers 404 for a SKU the catalog lists as missing', async () => {
    const ghost = uniqueSku('NOPE');
    await expectProblem(
      await call('PUT', `/cart/items/${ghost}`, { token: await customerToken(), body: { quantity: 1 } }),
      404,
      'CART.SKU_NOT_FOUND',
    );
    expect(t.catalog.calls.some((c) => c.skus.includes(ghost))).toBe(true);
  });

  const appWithCatalog = async (mode: CatalogMode) => {
    const catalog = await startCatalogLambdaDouble();
    catalog.mode = mode;
    const lookup = createSkuLookup(LOOKUP_FUNCTION_NAME, { lambda: catalog.lambda, policy: fastPolicy() });
    const deps: CartDeps = { ...t.deps, catalog: lookup };
    return { catalog, lookup, app: buildApp({ ...deps, auth }) };
  };

  it('answers 503 when the catalog is down and the replica has nothing, then opens the circuit', async () => {
    const down = await appWithCatalog('service-error');
    try {
      const token = await customerToken();
      const sku = uniqueSku('DOWN');
      const put = () => callApp(down.app, 'PUT', `/cart/items/${sku}`, { token, body: { quantity: 1 } });
      await expectProblem(await put(), 503, 'CART.CATALOG_UNAVAILABLE');
      // One attempt and one retry.
      expect(down.catalog.calls).toHaveLength(2);
      await expectProblem(await put(), 503, 'CART.CATALOG_UNAVAILABLE');
      // The third consecutive failure opened the circuit: the retry was not even sent.
      expect(down.catalog.calls).toHaveLength(3);
      expect(down.lookup.circuitState).toBe(CircuitState.Open);
      await expectProblem(await put(), 503, 'CART.CATALOG_UNAVAILABLE');
      expect(down.catalog.calls).toHaveLength(3);
      // What the replica holds is still served while the catalog is away.
      const cart = await cartOf(
        await callApp(down.app, 'PUT', `/cart/items/${TEE}`, { token, body: { quantity: 1 } }),
      );
      expect(cart.items).toEqual([expect.objectContaining({ sku: TEE })]);
    } finally {
      await down.catalog.close();
    }
  });

  it('gives up on a catalog that does not answer within the timeout', async () => {
    const hung = await appWithCatalog('hang');
    try {
      const response = await callApp(hung.app, 'GET', '/cart', { token: await customerToken() });
      // An empty cart needs no catalog at all.
      expect(response.status).toBe(200);
      const put = await callApp(hung.app, 'PUT', `/cart/items/${uniqueSku('SLOW')}`, {
        token: await customerToken(),
        body: { quantity: 1 },
      });
      await expectProblem(put, 503, 'CART.CATALOG_UNAVAILABLE');
      // Both attempts timed out (the double never answers); the request did not wait any longer.
      expect(hung.catalog.calls).toHaveLength(2);
    } finally {
      await hung.catalog.close();
    }
  });

  it('treats a failing catalog function as unavailable', async () => {
    const failing = await appWithCatalog('function-error');
    try {
      const put = await callApp(failing.app, 'PUT', `/cart/items/${uniqueSku('ERR')}`, {
        token: await customerToken(),
        body: { quantity: 1 },
      });
      await expectProblem(put, 503, 'CART.CATALOG_UNAVAILABLE');
    } finally {
      await failing.catalog.close();
    }
  });
});

describe('stock check when a line is set', () => {
  /** A SKU the catalog and the replica know, with `available` units in the catalog. */
  const stockedSku = async (available: number, price = 1500): Promise<string> => {
    const sku = uniqueSku('STK');
    await t.publish(productChange(uniqueId('prd-stk'), [{ sku, price, name: 'S' }]), available);
    return sku;
  };

  /** The app over the shared table, with its own stand-in catalog and a logger that keeps warnings. */
  const appWithCatalog = async (mode: CatalogMode) => {
    const catalog = await startCatalogLambdaDouble();
    catalog.mode = mode;
    const warnings: { message: string; attributes: Record<string, unknown> }[] = [];
    const deps: CartDeps = {
      ...t.deps,
      catalog: createSkuLookup(LOOKUP_FUNCTION_NAME, { lambda: catalog.lambda, policy: fastPolicy() }),
      logger: { warn: (message, attributes) => warnings.push({ message, attributes }) },
    };
    return { catalog, warnings, app: buildApp({ ...deps, auth }) };
  };

  it('answers 409 CART.INSUFFICIENT_STOCK with `available` when more units are asked than the catalog has, and writes nothing', async () => {
    const sku = await stockedSku(3);
    const token = await customerToken();
    const response = await call('PUT', `/cart/items/${sku}`, { token, body: { quantity: 4 } });
    const problem = await expectProblem(response, 409, 'CART.INSUFFICIENT_STOCK');
    expect(problem).toMatchObject({
      available: 3,
      sku,
      requested: 4,
      detail: `only 3 of SKU ${sku} can be ordered now; 4 were asked for`,
    });
    expect(await cartOf(await call('GET', '/cart', { token }))).toMatchObject({ id: null, items: [] });
  });

  it('accepts exactly the units available, for a customer and a guest', async () => {
    const sku = await stockedSku(5);
    const customer = await cartOf(
      await call('PUT', `/cart/items/${sku}`, { token: await customerToken(), body: { quantity: 5 } }),
    );
    expect(customer.items).toEqual([expect.objectContaining({ sku, quantity: 5 })]);
    const { cartToken } = await newGuestCart();
    const guest = await cartOf(await call('PUT', `/cart/items/${sku}`, { cartToken, body: { quantity: 5 } }));
    expect(guest.items).toEqual([expect.objectContaining({ sku, quantity: 5 })]);
  });

  it('checks a guest cart too, and says when a SKU is out of stock', async () => {
    const sku = await stockedSku(0);
    const { cartToken } = await newGuestCart();
    const problem = await expectProblem(
      await call('PUT', `/cart/items/${sku}`, { cartToken, body: { quantity: 1 } }),
      409,
      'CART.INSUFFICIENT_STOCK',
    );
    expect(problem).toMatchObject({ available: 0, detail: `SKU ${sku} is out of stock` });
    expect((await cartOf(await call('GET', '/cart', { cartToken }))).items).toEqual([]);
  });

  it('checks the stock of a line already in the cart against its new quantity, keeping the old one on 409', async () => {
    const sku = await stockedSku(5);
    const token = await customerToken();
    await cartOf(await call('PUT', `/cart/items/${sku}`, { token, body: { quantity: 5 } }));
    const info = t.catalog.skus.get(sku);
    if (!info) throw new Error('the stand-in catalog lost the SKU');
    t.catalog.skus.set(sku, { ...info, available: 2 });
    await expectProblem(
      await call('PUT', `/cart/items/${sku}`, { token, body: { quantity: 3 } }),
      409,
      'CART.INSUFFICIENT_STOCK',
    );
    expect((await cartOf(await call('GET', '/cart', { token }))).items).toEqual([
      expect.objectContaining({ sku, quantity: 5 }),
    ]);
    const lowered = await cartOf(await call('PUT', `/cart/items/${sku}`, { token, body: { quantity: 2 } }));
    expect(lowered.items).toEqual([expect.objectContaining({ sku, quantity: 2 })]);
  });

  it('accepts a SKU the replica sells without a stock check when the catalog is down, and logs a warning', async () => {
    const sku = await stockedSku(1);
    const down = await appWithCatalog('service-error');
    try {
      const token = await customerToken();
      // More than the catalog last had: nobody can tell now, and checkout's ReserveStock decides.
      const cart = await cartOf(
        await callApp(down.app, 'PUT', `/cart/items/${sku}`, { token, body: { quantity: 4 } }),
      );
      expect(cart.items).toEqual([
        expect.objectContaining({ sku, quantity: 4, unitPrice: { amount: 1500, currency: 'USD' } }),
      ]);
      expect(down.catalog.calls.map((c) => c.skus)).toEqual([[sku], [sku]]);
      expect(down.warnings).toEqual([
        {
          message: 'catalog unavailable: cart line set without a stock check',
          attributes: expect.objectContaining({ sku, quantity: 4, cartId: cart.id }),
        },
      ]);
    } finally {
      await down.catalog.close();
    }
  });

  it('answers 503 for a SKU the replica does not know when the catalog does not answer, for a guest too', async () => {
    const hung = await appWithCatalog('hang');
    try {
      const sku = uniqueSku('UNSEEN');
      // The catalog would have it in stock, if it answered.
      t.catalog.skus.set(sku, skuInfo(sku, 700));
      const { cartToken } = await newGuestCart();
      await expectProblem(
        await callApp(hung.app, 'PUT', `/cart/items/${sku}`, { cartToken, body: { quantity: 1 } }),
        503,
        'CART.CATALOG_UNAVAILABLE',
      );
      expect((await cartOf(await callApp(hung.app, 'GET', '/cart', { cartToken }))).items).toEqual([]);
      expect(hung.warnings).toEqual([]);
    } finally {
      await hung.catalog.close();
    }
  });

  it('answers 404 when the catalog no longer knows a SKU the replica holds: the catalog is the authority', async () => {
    const sku = await stockedSku(10);
    t.catalog.skus.delete(sku);
    await expectProblem(
      await call('PUT', `/cart/items/${sku}`, { token: await customerToken(), body: { quantity: 1 } }),
      404,
      'CART.SKU_NOT_FOUND',
    );
  });

  it('refreshes a replica copy older than the catalog answer, without storing the stock in it', async () => {
    const sku = uniqueSku('NEWER');
    const productId = uniqueId('prd-newer');
    await t.publish(productChange(productId, [{ sku, price: 1000, name: 'Old' }]), 8);
    // The catalog moved on; its event has not reached the cart yet.
    catalogFollowsOnly(productChange(productId, [{ sku, price: 1200, name: 'New' }], { version: 2 }));
    const cart = await cartOf(
      await call('PUT', `/cart/items/${sku}`, { token: await customerToken(), body: { quantity: 2 } }),
    );
    expect(cart.items).toEqual([
      expect.objectContaining({
        sku,
        name: 'Classic Tee (New)',
        unitPrice: { amount: 1200, currency: 'USD' },
      }),
    ]);
    expect((await t.deps.replica.getMany([sku])).get(sku)).toMatchObject({
      version: 2,
      price: { amount: 1200 },
    });
    const { Item } = await t.db.documentClient.send(
      new GetCommand({ TableName: t.tableName, Key: { pk: `SKU#${sku}`, sk: 'SKU' } }),
    );
    expect(Item).toBeDefined();
    expect(Item).not.toHaveProperty('available');
  });
});

describe('DynamoDB round trips of PUT /cart/items/{sku}', () => {
  let counted: ReturnType<typeof buildApp>;
  let client: DynamoDBClient;
  let sent: string[] = [];

  beforeAll(() => {
    client = new DynamoDBClient({
      endpoint: t.db.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    const ddb = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    counted = buildApp({
      ...t.deps,
      carts: new DynamoDbCartRepository(ddb, t.tableName),
      replica: new DynamoDbProductReplica(ddb, t.tableName),
      auth,
    });
  });
  afterAll(() => client.destroy());

  const put = async (sku: string, options: CallOptions) => {
    sent = [];
    await cartOf(await callApp(counted, 'PUT', `/cart/items/${sku}`, options));
    return sent;
  };

  it('reads the cart with the SKU in one BatchGetItem, then writes once: 2 for a first line', async () => {
    const token = await customerToken();
    expect(await put(TEE, { token, body: { quantity: 1 } })).toEqual([
      'BatchGetItemCommand',
      'PutItemCommand',
    ]);
    const { cartToken } = await newGuestCart();
    expect(await put(TEE, { cartToken, body: { quantity: 1 } })).toEqual([
      'BatchGetItemCommand',
      'UpdateItemCommand',
    ]);
    // The same line again: still one read and one write.
    expect(await put(TEE, { token, body: { quantity: 2 } })).toEqual([
      'BatchGetItemCommand',
      'UpdateItemCommand',
    ]);
  });

  it('reads the other lines’ prices in one more BatchGetItem when the cart has other lines', async () => {
    const token = await customerToken();
    await put(TEE, { token, body: { quantity: 1 } });
    expect(await put(HOODIE, { token, body: { quantity: 1 } })).toEqual([
      'BatchGetItemCommand',
      'BatchGetItemCommand',
      'UpdateItemCommand',
    ]);
  });
});
