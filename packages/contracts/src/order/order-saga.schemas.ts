import * as z from 'zod';
import { CorrelationId } from '../internal/internal-function.ts';
import { Money } from '../money/money.schema.ts';
import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '../saga/saga-task-errors.ts';
import {
  CustomerEmail,
  OrderId,
  OrderLine,
  OrderStatus,
  OrderStatusReason,
  OrderTotals,
  ShippingAddress,
} from './order.schemas.ts';

/** Names under which the order service's saga tasks are invoked (the ASL's `${<Name>FunctionArn}`). */
export const ORDER_TASKS = {
  placeOrder: 'PlaceOrder',
  priceOrder: 'PriceOrder',
  confirmOrder: 'ConfirmOrder',
  rejectOrder: 'RejectOrder',
  cancelOrder: 'CancelOrder',
  abortCancellation: 'AbortCancellation',
} as const;

/**
 * Error names the order's tasks fail with. `TransientError` (DynamoDB throttling, a conflicting write,
 * an outage) is retried by the sagas; the others are final.
 */
export const ORDER_TASK_ERRORS = {
  /** The order does not exist. */
  notFound: 'OrderNotFound',
  /** The order is in a status the task cannot move it from (e.g. `ConfirmOrder` on a `REJECTED` order). */
  invalidTransition: 'OrderInvalidTransition',
  /** The input does not match the task's contract: a bug in the state machine. */
  inputInvalid: TASK_INPUT_INVALID,
  transient: TRANSIENT_ERROR,
} as const;

/** The state machines the order service owns (`stateMachines` keys; `CHECKOUT_STATE_MACHINE_ARN`...). */
export const ORDER_STATE_MACHINES = { checkout: 'checkout', cancel: 'cancel', settle: 'settle' } as const;

const StockLine = z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) });

/**
 * Input of the checkout saga (execution name = `orderId`) and of its first task, `PlaceOrder`: the order
 * as checkout drafted it from the cart. `PlaceOrder` writes it if the HTTP function has not (yet), so an
 * order exists as soon as its saga does.
 */
export const CheckoutSagaInput = z.object({
  orderId: OrderId,
  customerId: z.string().min(1).max(256),
  paymentMethod: z.string().min(1),
  lines: z.array(OrderLine).min(1),
  /** The lines as `ReserveStock` takes them. */
  stockLines: z.array(StockLine).min(1),
  totals: OrderTotals,
  shippingAddress: ShippingAddress,
  placedAt: z.iso.datetime(),
  /** Hash of the checkout request body, to tell a replay from a reused idempotency key. */
  requestHash: z.string().min(1),
  /** The cart's promotion code: the saga redeems it right after the stock reservation. */
  promotionCode: z.string().min(1).max(32).optional(),
  /**
   * The shopper request's correlation id (`CORRELATION_ID_MEMBER`): the state machine passes it to
   * every task, which logs it and puts it on the events it publishes.
   */
  correlationId: CorrelationId,
  /** The `email` claim of the customer's token, when it has one: the order's emails go there. */
  email: CustomerEmail.optional(),
});
export type CheckoutSagaInput = z.infer<typeof CheckoutSagaInput>;

/** Output of every order task: where the order stands afterwards. */
export const OrderTaskOutput = z.object({ orderId: OrderId, status: OrderStatus });
export type OrderTaskOutput = z.infer<typeof OrderTaskOutput>;

export const PlaceOrderInput = CheckoutSagaInput;
export type PlaceOrderInput = CheckoutSagaInput;

/**
 * `PriceOrder`: the lines `ReserveStock` returned, with the catalog's authoritative prices, and the
 * discount `RedeemPromotion` granted (null without a code).
 */
export const PriceOrderInput = z.object({
  orderId: OrderId,
  discount: Money.nullish(),
  lines: z
    .array(
      z.object({
        sku: z.string().min(1),
        productId: z.string().min(1),
        name: z.string(),
        quantity: z.number().int().min(1),
        unitPrice: Money,
      }),
    )
    .min(1),
});
export type PriceOrderInput = z.infer<typeof PriceOrderInput>;

/** The recomputed totals; `totals.total` is what `AuthorizePayment` authorizes. */
export const PriceOrderOutput = OrderTaskOutput.extend({ totals: OrderTotals });
export type PriceOrderOutput = z.infer<typeof PriceOrderOutput>;

/**
 * `ConfirmOrder`: the order, and what its `order.confirmed` event says of it (the customer, the reserved
 * lines, the priced total) and when it was placed, from the saga's state: the task confirms in one
 * conditional transaction, without reading the order first.
 */
export const ConfirmOrderInput = z.object({
  orderId: OrderId,
  customerId: z.string().min(1).max(256),
  lines: z.array(StockLine).min(1),
  total: Money,
  placedAt: z.iso.datetime(),
});
export type ConfirmOrderInput = z.infer<typeof ConfirmOrderInput>;

export const RejectOrderInput = z.object({
  orderId: OrderId,
  reason: OrderStatusReason.extract([
    'OUT_OF_STOCK',
    'PAYMENT_DECLINED',
    'PAYMENT_FAILED',
    'CHECKOUT_FAILED',
    'CHECKOUT_ABANDONED',
    'PROMOTION_EXHAUSTED',
    'PROMOTION_UNAVAILABLE',
  ]),
  /** What happened, in the order's status history (the settle saga says which execution ended how). */
  detail: z.string().min(1).max(500).optional(),
});
export type RejectOrderInput = z.infer<typeof RejectOrderInput>;

export const CancelOrderInput = z.object({
  orderId: OrderId,
  reason: z.enum(['PAYMENT_FAILED', 'CANCELLED_BY_CUSTOMER', 'CANCELLED_BY_ADMIN']),
});
export type CancelOrderInput = z.infer<typeof CancelOrderInput>;

/** `AbortCancellation`: the cancel saga could not refund; the order goes back to `CONFIRMED`. */
export const AbortCancellationInput = z.object({ orderId: OrderId });
export type AbortCancellationInput = z.infer<typeof AbortCancellationInput>;

/** Input of the cancel saga (execution name `<orderId>-cancel-<attempt>`). */
export const CancelSagaInput = z.object({
  orderId: OrderId,
  reason: z.enum(['CANCELLED_BY_CUSTOMER', 'CANCELLED_BY_ADMIN']),
  /** The cancel request's correlation id, passed to every task of the cancel saga. */
  correlationId: CorrelationId,
});
export type CancelSagaInput = z.infer<typeof CancelSagaInput>;

/**
 * Input of the settle saga (execution name `<orderId>-settle`), which the order service's reconciler
 * starts for a `PENDING` order whose checkout execution ended without settling it: void the
 * authorization, give the stock back, reject the order as `CHECKOUT_ABANDONED` with `detail`.
 */
export const SettleSagaInput = z.object({
  orderId: OrderId,
  detail: z.string().min(1).max(500),
  /** The reconciler run's correlation id, passed to every task. */
  correlationId: CorrelationId,
});
export type SettleSagaInput = z.infer<typeof SettleSagaInput>;
