import type { Money } from '@shop/contracts';
import type {
  CheckoutSagaInput,
  OrderLine,
  OrderStatus,
  OrderStatusEntry,
  OrderStatusReason,
  OrderTotals,
  ShippingAddress,
} from '@shop/contracts/order';
import { InvalidOrderTransitionError, OrderNotCancellableError } from './order.errors.ts';
import { type PricedLineInput, priceLines } from './order-pricing.ts';

/** An order as the service keeps it; `version` guards every conditional write. */
export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly statusReason?: OrderStatusReason;
  readonly lines: readonly OrderLine[];
  readonly totals: OrderTotals;
  /** The cart's promotion code; `RedeemPromotion` decides the discount `PriceOrder` applies. */
  readonly promotionCode?: string;
  readonly shippingAddress: ShippingAddress;
  readonly paymentMethod: string;
  /** Where the order's emails go: the `email` claim of the customer's token at checkout. */
  readonly email?: string;
  readonly statusHistory: readonly OrderStatusEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  /** Hash of the checkout request body (tells a replay from a reused Idempotency-Key). */
  readonly requestHash: string;
  /** True once `PriceOrder` replaced the cart's prices with the catalog's reserved ones. */
  readonly priced: boolean;
  /** Cancellation requests so far: the cancel saga's execution name carries it. */
  readonly cancelAttempts: number;
  readonly refundedAmount?: Money;
  /** Refunds already recorded (`payment.refunded` may arrive twice under different event ids). */
  readonly refundIds: readonly string[];
}

/** What a transition did: `changed: false` means the order already was where the caller wanted it. */
export type Transition = { readonly changed: false } | { readonly changed: true; readonly order: Order };

const unchanged: Transition = { changed: false };

const step = (
  order: Order,
  status: OrderStatus,
  now: Date,
  entry: { reason?: string; detail?: string } = {},
  patch: Partial<Order> = {},
): Transition => {
  const at = now.toISOString();
  return {
    changed: true,
    order: {
      ...order,
      ...patch,
      status,
      statusHistory: [...order.statusHistory, { status, at, ...entry }],
      updatedAt: at,
      version: order.version + 1,
    },
  };
};

/** The order a checkout places: `PENDING`, priced with the cart's prices until `PriceOrder`. */
export const placeOrder = (input: CheckoutSagaInput): Order => ({
  id: input.orderId,
  customerId: input.customerId,
  status: 'PENDING',
  lines: input.lines,
  totals: input.totals,
  ...(input.promotionCode ? { promotionCode: input.promotionCode } : {}),
  shippingAddress: input.shippingAddress,
  paymentMethod: input.paymentMethod,
  ...(input.email ? { email: input.email } : {}),
  statusHistory: [{ status: 'PENDING', at: input.placedAt, reason: 'ORDER_PLACED' }],
  createdAt: input.placedAt,
  updatedAt: input.placedAt,
  version: 1,
  requestHash: input.requestHash,
  priced: false,
  cancelAttempts: 0,
  refundIds: [],
});

/** What pricing a `PENDING` order changes: its lines, its totals and one entry of its history. */
export interface OrderPricing {
  readonly lines: readonly OrderLine[];
  readonly totals: OrderTotals;
  readonly entry: OrderStatusEntry;
}

/**
 * The lines and totals at the catalog's reserved prices, less the discount the order's promotion code
 * was granted: what `price` applies, computed without the order so that one conditional write can
 * apply it (`status = PENDING and not yet priced`).
 */
export const pricingOf = (
  reserved: readonly PricedLineInput[],
  now: Date,
  discount?: Money,
): OrderPricing => {
  const { lines, totals } = priceLines(reserved, discount);
  return {
    lines,
    totals,
    entry: {
      status: 'PENDING',
      at: now.toISOString(),
      reason: 'PRICED',
      detail: `stock reserved; total ${totals.total.amount} ${totals.total.currency}`,
    },
  };
};

/** Whether a pricing applies to the order: only to a `PENDING` one, once; a priced order stays as it is. */
export const canPrice = (order: Order): boolean => {
  if (order.status !== 'PENDING') throw new InvalidOrderTransitionError('price', order.status);
  return !order.priced;
};

/**
 * `PENDING`: the lines and totals at the catalog's reserved prices, less the discount its promotion
 * code was granted. Done once.
 */
export const price = (
  order: Order,
  reserved: readonly PricedLineInput[],
  now: Date,
  discount?: Money,
): Transition => {
  if (!canPrice(order)) return unchanged;
  const { lines, totals, entry } = pricingOf(reserved, now, discount);
  return step(
    order,
    'PENDING',
    now,
    { reason: entry.reason, detail: entry.detail },
    { lines, totals, priced: true },
  );
};

/** `PENDING -> CONFIRMED`. A confirmed order (or one already past it) stays as it is. */
export const confirm = (order: Order, now: Date): Transition => {
  if (order.status === 'CONFIRMED' || order.status === 'CANCELLING' || order.status === 'CANCELLED') {
    return unchanged;
  }
  if (order.status !== 'PENDING') throw new InvalidOrderTransitionError('confirm', order.status);
  return step(order, 'CONFIRMED', now);
};

/**
 * A status change as one conditional write: from one of `from`, to `to`, with its history entry. The
 * write applies it only to an order still in `from`; the order it found otherwise says why not.
 */
export interface StatusChange {
  readonly from: readonly OrderStatus[];
  readonly to: OrderStatus;
  readonly entry: OrderStatusEntry;
}

/** `confirm` as a {@link StatusChange}: `PENDING -> CONFIRMED`. */
export const confirmation = (now: Date): StatusChange => ({
  from: ['PENDING'],
  to: 'CONFIRMED',
  entry: { status: 'CONFIRMED', at: now.toISOString() },
});

/** `PENDING -> REJECTED` with its reason (and what happened, when said); a rejected order stays as it is. */
export const reject = (order: Order, reason: OrderStatusReason, now: Date, detail?: string): Transition => {
  if (order.status === 'REJECTED') return unchanged;
  if (order.status !== 'PENDING') throw new InvalidOrderTransitionError('reject', order.status);
  return step(order, 'REJECTED', now, { reason, ...(detail ? { detail } : {}) }, { statusReason: reason });
};

/**
 * The checkout saga's input, again, from the order it placed: what the reconciler starts a lost
 * checkout execution with (`PlaceOrder` finds the order there and goes on).
 */
export const checkoutSagaInputOf = (order: Order, correlationId: string): CheckoutSagaInput => ({
  orderId: order.id,
  correlationId,
  customerId: order.customerId,
  paymentMethod: order.paymentMethod,
  lines: [...order.lines],
  stockLines: order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
  totals: order.totals,
  shippingAddress: order.shippingAddress,
  placedAt: order.createdAt,
  requestHash: order.requestHash,
});

/** Why a `CANCELLING` order is being cancelled: the reason its cancellation was requested with. */
export const cancellationReasonOf = (order: Order): 'CANCELLED_BY_CUSTOMER' | 'CANCELLED_BY_ADMIN' => {
  const requested = order.statusHistory.findLast((entry) => entry.reason === 'CANCELLATION_REQUESTED');
  return requested?.detail === 'CANCELLED_BY_ADMIN' ? 'CANCELLED_BY_ADMIN' : 'CANCELLED_BY_CUSTOMER';
};

/** `CONFIRMED | CANCELLING -> CANCELLED`; a cancelled order stays as it is. */
export const cancel = (order: Order, reason: OrderStatusReason, now: Date): Transition => {
  if (order.status === 'CANCELLED') return unchanged;
  if (order.status !== 'CONFIRMED' && order.status !== 'CANCELLING') {
    throw new InvalidOrderTransitionError('cancel', order.status);
  }
  return step(order, 'CANCELLED', now, { reason }, { statusReason: reason });
};

/** `CONFIRMED -> CANCELLING`: the cancel saga is about to run. Anything else is not cancellable. */
export const requestCancellation = (order: Order, reason: OrderStatusReason, now: Date): Order => {
  if (order.status !== 'CONFIRMED') throw new OrderNotCancellableError(order.status);
  const result = step(
    order,
    'CANCELLING',
    now,
    { reason: 'CANCELLATION_REQUESTED', detail: reason },
    { cancelAttempts: order.cancelAttempts + 1 },
  );
  if (!result.changed) throw new Error('unreachable: a step always changes the order');
  return result.order;
};

/** `CANCELLING -> CONFIRMED`: the refund failed, the order stands. */
export const abortCancellation = (order: Order, now: Date): Transition => {
  if (order.status === 'CONFIRMED') return unchanged;
  if (order.status !== 'CANCELLING') {
    throw new InvalidOrderTransitionError('abort the cancellation of', order.status);
  }
  return step(order, 'CONFIRMED', now, { reason: 'CANCELLATION_FAILED' });
};

export interface RefundRecord {
  readonly refundId: string;
  readonly amount: Money;
  readonly refundedAmount: Money;
  readonly fullyRefunded: boolean;
}

/** Notes a refund in the history (the status does not change); each refund id once. */
export const recordRefund = (order: Order, refund: RefundRecord, now: Date): Transition => {
  if (order.refundIds.includes(refund.refundId)) return unchanged;
  const detail = `${refund.fullyRefunded ? 'fully refunded' : 'partially refunded'}: ${refund.amount.amount} ${refund.amount.currency}`;
  return step(
    order,
    order.status,
    now,
    { reason: 'PAYMENT_REFUNDED', detail },
    { refundIds: [...order.refundIds, refund.refundId], refundedAmount: refund.refundedAmount },
  );
};

/** The reader may see the order: its owner or an admin. */
export const canRead = (order: Order, reader: { sub: string; roles: readonly string[] }): boolean =>
  order.customerId === reader.sub || reader.roles.includes('admin');
