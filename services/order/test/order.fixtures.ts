import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import type { CheckoutViewLine, CheckoutViewOutput } from '@shop/contracts/cart';
import type { CancelSagaInput, CheckoutSagaInput, ConfirmOrderInput } from '@shop/contracts/order';
import { startTestDynamoDb, type TestDynamoDb } from '@shop/local-cloud/testing';
import type { OrderDeps } from '../src/application/order.deps.ts';
import { createOrderDeps } from '../src/composition-root.ts';
import type { CheckoutViewReader } from '../src/domain/checkout-view.port.ts';
import type { Order } from '../src/domain/order.entity.ts';
import { CartUnavailableError } from '../src/domain/order.errors.ts';
import { priceLines } from '../src/domain/order-pricing.ts';
import type { SagaStarter } from '../src/domain/saga-starter.port.ts';
import orderService from '../src/service.ts';

export const startOrderDb = (): Promise<TestDynamoDb> => startTestDynamoDb([orderService]);

export const tableOf = (db: TestDynamoDb): string => db.tableName('order');

export const depsFor = (db: TestDynamoDb, overrides: Partial<OrderDeps> = {}): OrderDeps => ({
  ...createOrderDeps({ tableName: tableOf(db), source: 'order', documentClient: db.documentClient }),
  ...overrides,
});

export const usd = (amount: number) => ({ amount, currency: 'USD' });

export const cartLine = (sku: string, quantity: number, unitPrice: number): CheckoutViewLine => ({
  sku,
  productId: `prod-${sku}`,
  name: `Product ${sku}`,
  quantity,
  unitPrice: usd(unitPrice),
});

/**
 * Stands in for the cart service's `checkoutView` function: carts by customer, a gate that holds the
 * next read (to keep a checkout in progress) and an outage switch.
 */
export class StubCheckoutView implements CheckoutViewReader {
  readonly carts = new Map<string, CheckoutViewLine[]>();
  /** The promotion code applied to a customer's cart, if any. */
  readonly promotionCodes = new Map<string, string>();
  down = false;
  calls = 0;
  #gate:
    | { readonly reached: PromiseWithResolvers<void>; readonly released: PromiseWithResolvers<void> }
    | undefined;

  /** Holds the next read until `release()`; `reached` resolves when that read has started. */
  holdNextRead(): { readonly reached: Promise<void>; release(): void } {
    const gate = { reached: Promise.withResolvers<void>(), released: Promise.withResolvers<void>() };
    this.#gate = gate;
    return { reached: gate.reached.promise, release: () => gate.released.resolve() };
  }

  async read(customerId: string): Promise<CheckoutViewOutput> {
    this.calls++;
    const gate = this.#gate;
    this.#gate = undefined;
    if (gate) {
      gate.reached.resolve();
      await gate.released.promise;
    }
    if (this.down) throw new CartUnavailableError(new Error('cart function timed out'));
    const items = this.carts.get(customerId) ?? [];
    const subtotal = items.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0);
    return {
      cartId: items.length > 0 ? `cart-${customerId}` : null,
      customerId,
      items,
      subtotal: usd(subtotal),
      ...(this.promotionCodes.has(customerId) ? { promotionCode: this.promotionCodes.get(customerId) } : {}),
    };
  }
}

/** Records the sagas the HTTP function starts (the saga itself runs in the saga tests). */
export class RecordingSagaStarter implements SagaStarter {
  readonly checkouts: CheckoutSagaInput[] = [];
  readonly cancels: { input: CancelSagaInput; attempt: number }[] = [];

  async startCheckout(input: CheckoutSagaInput): Promise<void> {
    this.checkouts.push(input);
  }

  async startCancel(input: CancelSagaInput, attempt: number): Promise<void> {
    this.cancels.push({ input, attempt });
  }
}

export const address = {
  name: 'Alice Example',
  line1: '1 Main Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

export const newOrderId = (): string => `ord_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;

/** A checkout saga input as the HTTP function drafts it. */
export const sagaInput = (
  overrides: Partial<CheckoutSagaInput> = {},
  lines: CheckoutViewLine[] = [cartLine('SKU-1', 2, 1000)],
): CheckoutSagaInput => {
  const priced = priceLines(lines);
  return {
    orderId: newOrderId(),
    customerId: 'alice',
    paymentMethod: 'pm_card_visa',
    lines: priced.lines,
    stockLines: priced.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
    totals: priced.totals,
    shippingAddress: address,
    placedAt: new Date().toISOString(),
    requestHash: 'hash-1',
    correlationId: 'shopper-request-1',
    ...overrides,
  };
};

/** `ConfirmOrder`'s input as the checkout saga passes it: from the saga's input, or from a stored order. */
export const confirmInput = (source: CheckoutSagaInput | Order): ConfirmOrderInput =>
  'orderId' in source
    ? {
        orderId: source.orderId,
        customerId: source.customerId,
        lines: source.stockLines,
        total: source.totals.total,
        placedAt: source.placedAt,
      }
    : {
        orderId: source.id,
        customerId: source.customerId,
        lines: source.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
        total: source.totals.total,
        placedAt: source.createdAt,
      };

/** The events in the table's outbox (tests only: a Scan). */
export const outboxEvents = async (db: TestDynamoDb, orderId?: string): Promise<EventEnvelope[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.documentClient.send(
      new ScanCommand({ TableName: tableOf(db), ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items
    .filter((item) => item.kind === 'outbox')
    .map((item) => JSON.parse(String(item.event)) as EventEnvelope<{ orderId?: string }>)
    .filter((event) => orderId === undefined || event.data.orderId === orderId);
};

/** The error a promise rejected with, to check its `name` (what Step Functions matches). */
export const failure = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a failure');
};
