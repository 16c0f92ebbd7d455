import { randomUUID } from 'node:crypto';
import { PROBLEM_CONTENT_TYPE, Problem } from '@shop/contracts';
import { Cart } from '@shop/contracts/cart';
import { InventoryRecord, Product, StockLevel } from '@shop/contracts/catalog';
import {
  CheckoutAccepted,
  Order,
  OrderPage,
  type OrderStatus,
  type ShippingAddress,
} from '@shop/contracts/order';
import { Payment, PaymentPage, type PaymentStatus } from '@shop/contracts/payment';
import {
  type ApiResponse,
  type MailboxItem,
  type Role,
  type ShopClient,
  UnexpectedResponseError,
} from '@shop/local-cloud/testing';
import { expect } from 'vitest';
import { eventually } from './eventually.ts';

/** Different on every run, so journeys never meet data of an earlier run (with `--persist`, say). */
const RUN = randomUUID().slice(0, 6).toUpperCase();
let sequence = 0;

/** A name nobody else in this run uses: journeys keep their customers and SKUs to themselves. */
export const unique = (prefix: string): string => `${prefix}-${RUN}-${++sequence}`;

export const SHIPPING_ADDRESS: ShippingAddress = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/** How long a checkout saga may take to settle before the journey fails. */
export const SAGA_TIMEOUT_MS = 15_000;

const FINAL_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

/** Asserts the status and a JSON body, and returns the body. */
export const expectJson = (response: ApiResponse, status: number): unknown => {
  if (response.status !== status) throw new UnexpectedResponseError(response, String(status));
  expect(response.contentType).toMatch(/^application\/json/);
  return response.body;
};

/** Asserts an RFC 9457 problem with this status (and code, when given), and returns it. */
export const expectProblem = (response: ApiResponse, status: number, code?: string): Problem => {
  if (response.status !== status) throw new UnexpectedResponseError(response, `${status} problem`);
  expect(response.contentType).toMatch(new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}`));
  const problem = Problem.parse(response.body);
  expect(problem.status).toBe(status);
  if (code !== undefined) expect(problem.code).toBe(code);
  return problem;
};

/** A customer of one journey: its own `sub`, token and helpers over the public API. */
export interface Shopper {
  readonly sub: string;
  readonly token: string;
}

/** What a journey needs from the shop, all through the public API. */
export class ShopFixtures {
  readonly api: ShopClient;
  #adminToken: string | undefined;

  constructor(api: ShopClient) {
    this.api = api;
  }

  async adminToken(): Promise<string> {
    this.#adminToken ??= await this.api.tokenFor(unique('e2e-admin'), ['admin']);
    return this.#adminToken;
  }

  async shopper(prefix = 'shopper', roles: readonly Role[] = ['customer']): Promise<Shopper> {
    const sub = unique(prefix);
    return { sub, token: await this.api.tokenFor(sub, roles) };
  }

  /** A customer whose token carries an email address of its own (`<sub>@example.com`): orders' emails go there. */
  async shopperWithEmail(prefix = 'mailed'): Promise<Shopper & { readonly email: string }> {
    const sub = unique(prefix);
    const email = `${sub}@example.com`.toLowerCase();
    const response = await this.api.request('POST', '/dev/token', {
      json: { sub, roles: ['customer'], email },
    });
    const { token } = expectJson(response, 200) as { token: string };
    return { sub, token, email };
  }

  /** What the local SES delivered to an address (`GET /dev/mailbox?to=`), newest first. */
  async mailbox(address: string): Promise<MailboxItem[]> {
    const response = await this.api.request('GET', `/dev/mailbox?to=${encodeURIComponent(address)}`);
    return (expectJson(response, 200) as { items: MailboxItem[] }).items;
  }

  /** An active product with one SKU of its own, `onHand` units in stock (set by an admin). */
  async stockedSku(onHand: number, price = 2500): Promise<{ sku: string; productId: string }> {
    const token = await this.adminToken();
    const sku = unique('E2E');
    const created = await this.api.request('POST', '/products', {
      token,
      json: {
        name: `E2E product ${sku}`,
        description: 'Created by the end-to-end suite.',
        category: 'e2e-goods',
        variants: [
          { sku, name: 'One size', attributes: { size: 'one' }, price: { amount: price, currency: 'USD' } },
        ],
      },
    });
    const product = Product.parse(expectJson(created, 201));
    expect(product.status).toBe('active');
    expect(product.variants.map((v) => [v.sku, v.available])).toEqual([[sku, 0]]);
    await this.setOnHand(sku, onHand);
    return { sku, productId: product.id };
  }

  async setOnHand(sku: string, onHand: number): Promise<InventoryRecord> {
    const response = await this.api.request('PUT', `/inventory/${sku}`, {
      token: await this.adminToken(),
      json: { onHand },
    });
    const record = InventoryRecord.parse(expectJson(response, 200));
    expect(record).toMatchObject({ sku, onHand });
    expect(record.available).toBe(record.onHand - record.reserved);
    return record;
  }

  async available(sku: string): Promise<number> {
    const response = await this.api.request('GET', `/inventory/${sku}`);
    const level = StockLevel.parse(expectJson(response, 200));
    expect(level.sku).toBe(sku);
    return level.available;
  }

  async putInCart(shopper: Shopper, sku: string, quantity: number): Promise<Cart> {
    const response = await this.api.request('PUT', `/cart/items/${sku}`, {
      token: shopper.token,
      json: { quantity },
    });
    const cart = Cart.parse(expectJson(response, 200));
    expect(cart.items.find((item) => item.sku === sku)?.quantity).toBe(quantity);
    return cart;
  }

  async cart(shopper: Shopper): Promise<Cart> {
    return Cart.parse(expectJson(await this.api.request('GET', '/cart', { token: shopper.token }), 200));
  }

  checkoutRequest(
    shopper: Shopper,
    paymentMethod: string,
    idempotencyKey: string = randomUUID(),
    shippingAddress: ShippingAddress = SHIPPING_ADDRESS,
  ): Promise<ApiResponse> {
    return this.api.request('POST', '/checkout', {
      token: shopper.token,
      headers: { 'idempotency-key': idempotencyKey },
      json: { shippingAddress, paymentMethod },
    });
  }

  /** `POST /checkout` that must be accepted: 202, `PENDING`, `Location` of the order. */
  async checkout(shopper: Shopper, paymentMethod = 'pm_card_visa'): Promise<string> {
    const response = await this.checkoutRequest(shopper, paymentMethod);
    const accepted = CheckoutAccepted.parse(expectJson(response, 202));
    expect(accepted.status).toBe('PENDING');
    expect(response.headers.get('location')).toBe(`/orders/${accepted.orderId}`);
    return accepted.orderId;
  }

  /**
   * Checkout as a well-behaved client does under load: a 503 (cart or saga unavailable) or a 429 is
   * retried with the same `Idempotency-Key` after its `Retry-After`, which the API documents as safe.
   * With `retryServerErrors`, so are a 502/504 (the function crashed or timed out) and the 409 that
   * answers while the first attempt still holds the key. Returns the order id and how many answers
   * were retried.
   */
  async checkoutRetrying(
    shopper: Shopper,
    paymentMethod = 'pm_card_visa',
    timeoutMs = SAGA_TIMEOUT_MS,
    { retryServerErrors = false }: { readonly retryServerErrors?: boolean } = {},
  ): Promise<{ orderId: string; retried: number }> {
    const key = randomUUID();
    const deadline = Date.now() + timeoutMs;
    let retried = 0;
    const retryable = (response: ApiResponse): boolean => {
      if (response.status === 503 || response.status === 429) return true;
      if (!retryServerErrors) return false;
      if (response.status === 502 || response.status === 504) return true;
      return (
        response.status === 409 &&
        (response.body as { code?: unknown })?.code === 'ORDER.IDEMPOTENCY_KEY_IN_USE'
      );
    };
    for (;;) {
      const response = await this.checkoutRequest(shopper, paymentMethod, key);
      if (!retryable(response) || Date.now() > deadline) {
        const accepted = CheckoutAccepted.parse(expectJson(response, 202));
        expect(response.headers.get('location')).toBe(`/orders/${accepted.orderId}`);
        return { orderId: accepted.orderId, retried };
      }
      expectProblem(response, response.status);
      if (response.status === 503 || response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      retried += 1;
      const retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(retryAfterMs, 200 + Math.random() * 300)));
    }
  }

  /** The ids of every order of a customer, following the cursor through all pages. */
  async ordersOf(shopper: Shopper): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const query = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = OrderPage.parse(
        expectJson(await this.api.request('GET', `/orders${query}`, { token: shopper.token }), 200),
      );
      ids.push(...page.items.map((order) => order.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  async order(shopper: Shopper, orderId: string): Promise<Order> {
    const response = await this.api.request('GET', `/orders/${orderId}`, { token: shopper.token });
    return Order.parse(expectJson(response, 200));
  }

  /** Polls the order until its saga settles (or `status` is reached), bounded by `SAGA_TIMEOUT_MS`. */
  settledOrder(
    shopper: Shopper,
    orderId: string,
    status?: OrderStatus,
    timeoutMs = SAGA_TIMEOUT_MS,
  ): Promise<Order> {
    return eventually(
      `order ${orderId} ${status ?? 'settled'}`,
      () => this.order(shopper, orderId),
      (order) => (status ? order.status === status : FINAL_STATUSES.includes(order.status)),
      { timeoutMs },
    );
  }

  async payments(shopper: Shopper, orderId: string): Promise<Payment[]> {
    const response = await this.api.request('GET', `/payments?orderId=${orderId}`, { token: shopper.token });
    const page = PaymentPage.parse(expectJson(response, 200));
    return page.items.map((item) => Payment.parse(item));
  }

  /**
   * The order's one payment once it is `status`. The saga captures after it confirms the order, so a
   * `CONFIRMED` order may still show an `AUTHORIZED` payment for a moment.
   */
  async paymentOnceItIs(
    shopper: Shopper,
    orderId: string,
    status: PaymentStatus,
    timeoutMs = SAGA_TIMEOUT_MS,
  ): Promise<Payment> {
    const payments = await eventually(
      `payment of ${orderId} ${status}`,
      () => this.payments(shopper, orderId),
      (items) => items.length > 0 && items.every((p) => p.status === status),
      { timeoutMs },
    );
    expect(payments).toHaveLength(1);
    const [payment] = payments;
    if (!payment) throw new Error('unreachable: one payment');
    return payment;
  }
}
