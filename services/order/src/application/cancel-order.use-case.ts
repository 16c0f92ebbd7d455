import { nowOf } from '@shop/platform/clock';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { cancellationReasonOf, canRead, type Order, requestCancellation } from '../domain/order.entity.ts';
import {
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderWriteConflictError,
} from '../domain/order.errors.ts';
import type { CheckoutDeps, Reader } from './order.deps.ts';

const cancelReasonOf = (order: Order, reader: Reader) =>
  order.customerId === reader.sub ? ('CANCELLED_BY_CUSTOMER' as const) : ('CANCELLED_BY_ADMIN' as const);

/**
 * Cancels a `CONFIRMED` order: it becomes `CANCELLING` (a conditional write, so two concurrent requests
 * cannot both win) and the cancel saga starts (refund, restock, `CANCELLED`).
 *
 * A request on a `CANCELLING` order is a 409, but it first starts the saga of the current attempt
 * again: if the request that marked the order crashed before starting its saga, this completes it
 * (the execution name makes the start a no-op otherwise).
 *
 * `correlationId` is the cancel request's: the cancel saga's tasks and events carry it.
 *
 * @throws OrderNotFoundError (also for someone else's order), OrderNotCancellableError, SagaUnavailableError
 */
export const cancelOrder = (
  deps: Pick<CheckoutDeps, 'orders' | 'sagas' | 'clock'>,
  reader: Reader,
  orderId: string,
  correlationId: string,
): Promise<Order> => {
  return retryLostRaces(
    async () => {
      const order = await deps.orders.get(orderId);
      if (!order || !canRead(order, reader)) throw new OrderNotFoundError(orderId);
      if (order.status === 'CANCELLING') {
        await deps.sagas.startCancel(
          { orderId, reason: cancellationReasonOf(order), correlationId },
          order.cancelAttempts,
        );
        throw new OrderNotCancellableError(order.status);
      }
      const reason = cancelReasonOf(order, reader);
      const next = requestCancellation(order, reason, nowOf(deps));
      if (await deps.orders.update(order, next)) {
        await deps.sagas.startCancel({ orderId, reason, correlationId }, next.cancelAttempts);
        return next;
      }
      return LOST_RACE;
    },
    { onExhausted: () => new OrderWriteConflictError(orderId) },
  );
};
