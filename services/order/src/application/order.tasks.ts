import {
  AbortCancellationInput,
  CancelOrderInput,
  CheckoutSagaInput,
  ConfirmOrderInput,
  ORDER_TASK_ERRORS,
  ORDER_TASKS,
  OrderCancelled,
  OrderConfirmed,
  OrderRejected,
  type OrderTaskOutput,
  PriceOrderInput,
  type PriceOrderOutput,
  RejectOrderInput,
} from '@shop/contracts/order';
import { nowOf } from '@shop/platform/clock';
import { recordMetric, SHOP_METRICS } from '@shop/platform/observability';
import { createEvent } from '@shop/platform/outbox';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { defineSagaTask, type TaskErrorNames, type TaskInvocation } from '@shop/platform/task';
import type * as z from 'zod';
import {
  abortCancellation,
  cancel,
  canPrice,
  confirm,
  confirmation,
  type Order,
  placeOrder,
  pricingOf,
  reject,
} from '../domain/order.entity.ts';
import {
  InvalidOrderTransitionError,
  OrderNotFoundError,
  OrderWriteConflictError,
} from '../domain/order.errors.ts';
import { changeOrder } from './change-order.ts';
import type { OrderDeps } from './order.deps.ts';

const output = (order: Order): OrderTaskOutput => ({ orderId: order.id, status: order.status });

/** The order's domain errors under the names its state machines catch; anything else is retried. */
const ORDER_TASK_ERROR_NAMES: TaskErrorNames = [
  [OrderNotFoundError, ORDER_TASK_ERRORS.notFound],
  [InvalidOrderTransitionError, ORDER_TASK_ERRORS.invalidTransition],
];

const task = <TInput extends z.ZodType, TOutput>(
  name: string,
  input: TInput,
  run: (input: z.infer<TInput>, invocation: TaskInvocation) => Promise<TOutput>,
) => defineSagaTask({ name, input, errors: ORDER_TASK_ERROR_NAMES, run });

/** From the order being placed to it being settled (confirmed or rejected). */
const recordSettled = (placedAt: string, outcome: 'confirmed' | 'rejected', now: Date) => {
  const placed = Date.parse(placedAt);
  if (Number.isFinite(placed)) {
    recordMetric(SHOP_METRICS.sagaDuration, Math.max(0, now.getTime() - placed), { outcome });
  }
};

const eventLines = (order: Order) => order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity }));

/**
 * The order's saga tasks over one set of dependencies. Each is idempotent by order id: a conditional
 * status transition, and a repetition finds the order already where it should be and changes nothing.
 * Events carry the saga's correlation id (the shopper request's). The business metrics are counted in
 * `changeOrder`'s `onChanged`, so a repeated task does not count an order twice.
 */
export const createOrderTasks = (deps: OrderDeps) => {
  const origin = (invocation: TaskInvocation) => ({
    source: deps.source,
    correlationId: invocation.correlationId,
  });

  return {
    /** Writes the drafted order unless it exists (the HTTP function usually wrote it already). */
    placeOrder: task(ORDER_TASKS.placeOrder, CheckoutSagaInput, async (input): Promise<OrderTaskOutput> => {
      const placed = await deps.orders.create(placeOrder(input));
      if (!placed.order) throw new Error(`order ${input.orderId} exists but cannot be read`);
      if (!placed.written && placed.order.requestHash !== input.requestHash) {
        throw new InvalidOrderTransitionError('place again with another request', placed.order.status);
      }
      return output(placed.order);
    }),

    /** Re-prices the order with the reserved lines; returns the totals `AuthorizePayment` charges. */
    priceOrder: task(ORDER_TASKS.priceOrder, PriceOrderInput, async (input): Promise<PriceOrderOutput> => {
      // One conditional write; when it does not apply, the order as it stood says why (no read first).
      const pricing = pricingOf(input.lines, nowOf(deps), input.discount ?? undefined);
      const priced = await deps.orders.applyPricing(input.orderId, pricing);
      if (!priced.order) throw new OrderNotFoundError(input.orderId);
      if (!priced.written && canPrice(priced.order)) {
        throw new Error(`order ${input.orderId} is PENDING and unpriced but could not be priced`);
      }
      return { ...output(priced.order), totals: priced.order.totals };
    }),

    /**
     * `PENDING -> CONFIRMED`, publishing `order.confirmed` in the same transaction: one conditional
     * write, its event made from the saga's state; when the order is not PENDING, the order as it
     * stood says whether this is a repetition (already confirmed or past it) or a final error.
     */
    confirmOrder: task(
      ORDER_TASKS.confirmOrder,
      ConfirmOrderInput,
      async (input, invocation): Promise<OrderTaskOutput> => {
        const now = nowOf(deps);
        const event = createEvent(
          OrderConfirmed,
          { orderId: input.orderId, customerId: input.customerId, lines: input.lines, total: input.total },
          origin(invocation),
          now,
        );
        return retryLostRaces(
          async () => {
            const write = await deps.orders.changeStatus(input.orderId, confirmation(now), [event]);
            if (write.written) {
              recordMetric(SHOP_METRICS.ordersConfirmed, 1);
              recordSettled(input.placedAt, 'confirmed', now);
              return { orderId: input.orderId, status: 'CONFIRMED' as const };
            }
            if (!write.order) throw new OrderNotFoundError(input.orderId);
            // Throws on a status it cannot confirm; unchanged when already confirmed (or past it).
            if (confirm(write.order, now).changed) return LOST_RACE;
            return output(write.order);
          },
          { onExhausted: () => new OrderWriteConflictError(input.orderId) },
        );
      },
    ),

    /** `PENDING -> REJECTED` with the saga's reason, publishing `order.rejected`. */
    rejectOrder: task(
      ORDER_TASKS.rejectOrder,
      RejectOrderInput,
      async ({ orderId, reason, detail }, invocation): Promise<OrderTaskOutput> => {
        const now = nowOf(deps);
        const order = await changeOrder(
          deps,
          orderId,
          (current) => reject(current, reason, now, detail),
          (next) => [
            createEvent(
              OrderRejected,
              {
                orderId: next.id,
                customerId: next.customerId,
                reason,
                lines: eventLines(next),
                total: next.totals.total,
              },
              origin(invocation),
              now,
            ),
          ],
          (next) => {
            recordMetric(SHOP_METRICS.ordersRejected, 1, { reason });
            recordSettled(next.createdAt, 'rejected', now);
          },
        );
        return output(order);
      },
    ),

    /** `CONFIRMED | CANCELLING -> CANCELLED`, publishing `order.cancelled`. */
    cancelOrder: task(
      ORDER_TASKS.cancelOrder,
      CancelOrderInput,
      async ({ orderId, reason }, invocation): Promise<OrderTaskOutput> => {
        const now = nowOf(deps);
        const order = await changeOrder(
          deps,
          orderId,
          (current) => cancel(current, reason, now),
          (next) => [
            createEvent(
              OrderCancelled,
              {
                orderId: next.id,
                customerId: next.customerId,
                reason,
                lines: eventLines(next),
                total: next.totals.total,
              },
              origin(invocation),
              now,
            ),
          ],
          () => recordMetric(SHOP_METRICS.ordersCancelled, 1),
        );
        return output(order);
      },
    ),

    /** `CANCELLING -> CONFIRMED`: the cancel saga could not refund. */
    abortCancellation: task(
      ORDER_TASKS.abortCancellation,
      AbortCancellationInput,
      async ({ orderId }): Promise<OrderTaskOutput> => {
        return output(await changeOrder(deps, orderId, (current) => abortCancellation(current, nowOf(deps))));
      },
    ),
  };
};

export type OrderTasks = ReturnType<typeof createOrderTasks>;
