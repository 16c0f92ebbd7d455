import type { ApiResponse, ShopClient } from '@shop/local-cloud/testing';
import { sleep, stringField } from './bench.util.ts';

export class JourneyError extends Error {
  override readonly name = 'JourneyError';
}

export const SHIPPING_ADDRESS = {
  name: 'Bench Shopper',
  line1: '1 Benchmark Way',
  city: 'Lisbon',
  postalCode: '1000-001',
  country: 'PT',
};

const expectStatus = (response: ApiResponse, what: string, ...ok: number[]): ApiResponse => {
  if (!ok.includes(response.status)) {
    throw new JourneyError(`${what}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  }
  return response;
};

/**
 * A product id and SKUs from the seeded catalog (one per product, up to `count`), each with plenty of
 * stock for the run.
 */
export const prepareStock = async (
  client: ShopClient,
  count = 1,
  onHand = 1_000_000,
): Promise<{ productId: string; sku: string; skus: string[]; admin: string }> => {
  const admin = await client.tokenFor('bench-admin', ['admin']);
  const page = expectStatus(
    await client.request('GET', `/products?limit=${Math.min(50, Math.max(5, count))}`),
    'GET /products',
    200,
  ).body as { items?: { id: string; variants?: { sku: string }[] }[] };
  const products = (page.items ?? []).filter((item) => (item.variants?.length ?? 0) > 0);
  const skus = products.flatMap((item) => item.variants?.slice(0, 1).map((v) => v.sku) ?? []).slice(0, count);
  const [product] = products;
  const [sku] = skus;
  if (!product || !sku) throw new JourneyError('the seeded catalog has no product with a SKU');
  for (const each of skus) {
    expectStatus(
      await client.request('PUT', `/inventory/${encodeURIComponent(each)}`, {
        token: admin,
        json: { onHand },
      }),
      'PUT /inventory',
      200,
    );
  }
  return { productId: product.id, sku, skus, admin };
};

/** Puts one unit of `sku` in the customer's cart. */
export const fillCart = async (client: ShopClient, token: string, sku: string): Promise<void> => {
  expectStatus(
    await client.request('PUT', `/cart/items/${encodeURIComponent(sku)}`, { token, json: { quantity: 1 } }),
    'PUT /cart/items',
    200,
    201,
  );
};

/** POST /checkout; resolves with the order id. */
export const checkout = async (client: ShopClient, token: string, key: string): Promise<string> => {
  const response = expectStatus(
    await client.request('POST', '/checkout', {
      token,
      headers: { 'idempotency-key': key },
      json: { shippingAddress: SHIPPING_ADDRESS, paymentMethod: 'pm_card_visa' },
    }),
    'POST /checkout',
    202,
  );
  const orderId = stringField(response.body, 'orderId');
  if (!orderId) throw new JourneyError('POST /checkout answered no orderId');
  return orderId;
};

/** When the order entered `status`, from its status history (epoch ms), if it says. */
const enteredAt = (body: unknown, status: string): number | undefined => {
  const history = (body as { statusHistory?: { status?: string; at?: string }[] } | undefined)?.statusHistory;
  const entry = history?.filter((e) => e.status === status).at(-1);
  const at = entry?.at ? Date.parse(entry.at) : Number.NaN;
  return Number.isFinite(at) ? at : undefined;
};

/**
 * Polls GET /orders/{id} every `intervalMs` until it leaves PENDING; resolves with the status, when the
 * order entered it (from its status history, so the polling interval does not blur it) and the polls made.
 */
export const waitForOrder = async (
  client: ShopClient,
  token: string,
  orderId: string,
  intervalMs: number,
  timeoutMs = 30_000,
): Promise<{ status: string; statusAt?: number; polls: number }> => {
  const deadline = performance.now() + timeoutMs;
  let polls = 0;
  while (performance.now() < deadline) {
    polls += 1;
    const response = await client.request('GET', `/orders/${orderId}`, { token });
    const status = response.status === 200 ? stringField(response.body, 'status') : undefined;
    if (status && status !== 'PENDING') {
      const statusAt = enteredAt(response.body, status);
      return { status, polls, ...(statusAt !== undefined ? { statusAt } : {}) };
    }
    await sleep(intervalMs);
  }
  throw new JourneyError(`order ${orderId} still PENDING after ${timeoutMs} ms`);
};
