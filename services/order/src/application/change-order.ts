import type { EventEnvelope } from '@shop/contracts';
import type { Order, Transition } from '../domain/order.entity.ts';
import { OrderNotFoundError, OrderWriteConflictError } from '../domain/order.errors.ts';
import type { OrderDeps } from './order.deps.ts';

const MAX_RACES = 5;

/**
 * Read, decide, write conditionally on the version read; on a lost race, read again and decide again
 * (the transition may then find nothing left to do). Returns the order as it stands afterwards.
 *
 * @throws OrderNotFoundError, the transition's own errors, OrderWriteConflictError after repeated races
 */
export const changeOrder = async (
  deps: OrderDeps,
  orderId: string,
  decide: (order: Order) => Transition,
  eventsOf: (next: Order) => readonly EventEnvelope[] = () => [],
): Promise<Order> => {
  for (let race = 0; race < MAX_RACES; race++) {
    const current = await deps.orders.get(orderId);
    if (!current) throw new OrderNotFoundError(orderId);
    const result = decide(current);
    if (!result.changed) return current;
    if (await deps.orders.update(current, result.order, eventsOf(result.order))) return result.order;
  }
  throw new OrderWriteConflictError(orderId);
};
