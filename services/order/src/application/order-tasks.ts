import {
  AbortCancellationInput,
  CancelOrderInput,
  CheckoutSagaInput,
  ConfirmOrderInput,
  ORDER_TASK_ERRORS,
  OrderCancelled,
  OrderConfirmed,
  type OrderTaskOutput,
  PriceOrderInput,
  type PriceOrderOutput,
  RejectOrderInput,
} from '@shop/contracts/order';
import { createEvent } from '@shop/platform/messaging';
import type { z } from 'zod';
import {
  abortCancellation,
  cancel,
  confirm,
  type Order,
  placeOrder,
  price,
  reject,
} from '../domain/order.entity.ts';
import { InvalidOrderTransitionError } from '../domain/order.errors.ts';
import { changeOrder } from './change-order.ts';
import { clockOf, type OrderDeps } from './order.deps.ts';
import { OrderTaskError, toTaskError } from './order-task.error.ts';

const parseInput = <T extends z.ZodType>(task: string, schema: T, event: unknown): z.infer<T> => {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const detail = result.error.issues.map((issue) => `/${issue.path.join('/')}: ${issue.message}`).join('; ');
  throw new OrderTaskError(ORDER_TASK_ERRORS.inputInvalid, `${task}: invalid input: ${detail}`);
};

const output = (order: Order): OrderTaskOutput => ({ orderId: order.id, status: order.status });

const mapped =
  <T>(run: (event: unknown) => Promise<T>) =>
  async (event: unknown): Promise<T> => {
    try {
      return await run(event);
    } catch (error) {
      throw toTaskError(error);
    }
  };

const eventLines = (order: Order) => order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity }));

/**
 * The order's saga tasks over one set of dependencies. Each is idempotent by order id: a conditional
 * status transition, and a repetition finds the order already where it should be and changes nothing.
 * Events carry the order id as correlation id (it is the saga's execution name).
 */
export const createOrderTasks = (deps: OrderDeps) => {
  const origin = (orderId: string) => ({ source: deps.source, correlationId: orderId });

  return {
    /** Writes the drafted order unless it exists (the HTTP function usually wrote it already). */
    placeOrder: mapped(async (event): Promise<OrderTaskOutput> => {
      const input = parseInput('PlaceOrder', CheckoutSagaInput, event);
      const draft = placeOrder(input);
      if (await deps.orders.create(draft)) return output(draft);
      const existing = await deps.orders.get(input.orderId);
      if (!existing) throw new Error(`order ${input.orderId} exists but cannot be read`);
      if (existing.requestHash !== input.requestHash) {
        throw new InvalidOrderTransitionError('place again with another request', existing.status);
      }
      return output(existing);
    }),

    /** Re-prices the order with the reserved lines; returns the totals `AuthorizePayment` charges. */
    priceOrder: mapped(async (event): Promise<PriceOrderOutput> => {
      const input = parseInput('PriceOrder', PriceOrderInput, event);
      const order = await changeOrder(deps, input.orderId, (current) =>
        price(current, input.lines, clockOf(deps)),
      );
      return { ...output(order), totals: order.totals };
    }),

    /** `PENDING -> CONFIRMED`, publishing `order.confirmed` in the same transaction. */
    confirmOrder: mapped(async (event): Promise<OrderTaskOutput> => {
      const { orderId } = parseInput('ConfirmOrder', ConfirmOrderInput, event);
      const now = clockOf(deps);
      const order = await changeOrder(
        deps,
        orderId,
        (current) => confirm(current, now),
        (next) => [
          createEvent(
            OrderConfirmed,
            {
              orderId: next.id,
              customerId: next.customerId,
              lines: eventLines(next),
              total: next.totals.total,
            },
            origin(next.id),
            now,
          ),
        ],
      );
      return output(order);
    }),

    /** `PENDING -> REJECTED` with the saga's reason. */
    rejectOrder: mapped(async (event): Promise<OrderTaskOutput> => {
      const { orderId, reason } = parseInput('RejectOrder', RejectOrderInput, event);
      return output(await changeOrder(deps, orderId, (current) => reject(current, reason, clockOf(deps))));
    }),

    /** `CONFIRMED | CANCELLING -> CANCELLED`, publishing `order.cancelled`. */
    cancelOrder: mapped(async (event): Promise<OrderTaskOutput> => {
      const { orderId, reason } = parseInput('CancelOrder', CancelOrderInput, event);
      const now = clockOf(deps);
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
            origin(next.id),
            now,
          ),
        ],
      );
      return output(order);
    }),

    /** `CANCELLING -> CONFIRMED`: the cancel saga could not refund. */
    abortCancellation: mapped(async (event): Promise<OrderTaskOutput> => {
      const { orderId } = parseInput('AbortCancellation', AbortCancellationInput, event);
      return output(await changeOrder(deps, orderId, (current) => abortCancellation(current, clockOf(deps))));
    }),
  };
};

export type OrderTasks = ReturnType<typeof createOrderTasks>;
