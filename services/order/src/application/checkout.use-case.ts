import { createHash } from 'node:crypto';
import type { CheckoutRequest, CheckoutSagaInput } from '@shop/contracts/order';
import { nowOf } from '@shop/platform/clock';
import { recordMetric, SHOP_METRICS } from '@shop/platform/observability';
import type { Context } from 'aws-lambda';
import { placeOrder } from '../domain/order.entity.ts';
import { CartEmptyError, IdempotencyKeyReusedError, TooManyLinesError } from '../domain/order.errors.ts';
import { priceLines } from '../domain/order-pricing.ts';
import type { CheckoutDeps } from './order.deps.ts';

/** One order reserves at most this many SKUs (the catalog reserves them in one transaction). */
export const MAX_ORDER_LINES = 99;

export interface CheckoutCommand {
  readonly customerId: string;
  /** The `email` claim of the customer's token, when it has one. */
  readonly email?: string;
  readonly idempotencyKey: string;
  readonly body: CheckoutRequest;
  /** The shopper request's correlation id: the saga and every event of the order carry it. */
  readonly correlationId: string;
}

export interface CheckoutResult {
  readonly orderId: string;
  readonly status: 'PENDING';
}

/**
 * `checkout` made idempotent by the customer's `Idempotency-Key`: a replay returns the first result
 * (the infrastructure decides how; see `createIdempotentCheckout`).
 */
export type IdempotentCheckout = (
  command: CheckoutCommand,
  lambdaContext?: Context,
) => Promise<CheckoutResult>;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The order id of a checkout: derived from the customer and the Idempotency-Key, so that running the
 * same checkout again (after a crash, or once the idempotency record has expired) lands on the same
 * order and the same saga execution instead of charging twice.
 */
export const orderIdFor = (customerId: string, idempotencyKey: string): string =>
  `ord_${sha256(`${customerId}\n${idempotencyKey}`).slice(0, 24)}`;

/** The body as validated (keys in schema order), hashed: what "the same request" means. */
export const requestHashOf = (body: CheckoutRequest): string => sha256(JSON.stringify(body));

/**
 * Places an order from the customer's cart and starts its checkout saga.
 *
 * Order of effects, and why: the saga is started first, with the whole draft as its input, and its
 * first task (`PlaceOrder`) writes the order if it does not exist yet; then this function writes the
 * same order. A crash anywhere leaves either nothing (the client retries with the same key) or a saga
 * that writes the order itself: never an order without a saga. The deterministic order id and the
 * saga's execution name make every repetition a no-op.
 *
 * @throws CartUnavailableError, CartEmptyError, MixedCurrenciesError, TooManyLinesError,
 *   SagaUnavailableError, IdempotencyKeyReusedError (the order of this key was placed with another body)
 */
export const checkout = async (deps: CheckoutDeps, command: CheckoutCommand): Promise<CheckoutResult> => {
  const orderId = orderIdFor(command.customerId, command.idempotencyKey);
  const requestHash = requestHashOf(command.body);
  // The order of an earlier run of this key is looked up while the cart is read: both need only the
  // command, and the saga waits for both.
  const existingRead = deps.orders.get(orderId);
  existingRead.catch(() => undefined);
  /** The first run's answer when this key already placed an order (whatever the cart holds now). */
  const replay = async (whenLookupFails: 'throw' | 'ignore'): Promise<CheckoutResult | undefined> => {
    const existing = await (whenLookupFails === 'ignore'
      ? existingRead.catch(() => undefined)
      : existingRead);
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    return { orderId, status: 'PENDING' };
  };
  // A repetition of a checkout that placed its order (its idempotency record lost with a crashed
  // run, or expired) finds the cart emptied by then, or unavailable: the order answers it. When
  // there is no order, the cart's error is the one reported, even if the lookup failed too.
  let cart: Awaited<ReturnType<CheckoutDeps['cartView']['read']>>;
  try {
    cart = await deps.cartView.read(command.customerId);
  } catch (error) {
    const placed = await replay('ignore');
    if (placed) return placed;
    throw error;
  }
  if (cart.items.length === 0) {
    const placed = await replay('ignore');
    if (placed) return placed;
    throw new CartEmptyError();
  }
  if (cart.items.length > MAX_ORDER_LINES) throw new TooManyLinesError(MAX_ORDER_LINES);
  const { lines, totals } = priceLines(cart.items);
  const input: CheckoutSagaInput = {
    orderId,
    customerId: command.customerId,
    paymentMethod: command.body.paymentMethod,
    lines,
    stockLines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
    totals,
    shippingAddress: command.body.shippingAddress,
    placedAt: nowOf(deps).toISOString(),
    requestHash,
    ...(cart.promotionCode ? { promotionCode: cart.promotionCode } : {}),
    correlationId: command.correlationId,
    ...(command.email ? { email: command.email } : {}),
  };
  const placed = await replay('throw');
  if (placed) return placed;
  await deps.sagas.startCheckout(input);
  const created = await deps.orders.create(placeOrder(input));
  if (created.written) {
    recordMetric(SHOP_METRICS.ordersPlaced, 1);
  } else if (created.order && created.order.requestHash !== requestHash) {
    // The saga's PlaceOrder was faster, or a concurrent run of this very checkout, with another body.
    throw new IdempotencyKeyReusedError();
  }
  return { orderId, status: 'PENDING' };
};
