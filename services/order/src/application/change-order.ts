import type { EventEnvelope } from '@shop/contracts';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import type { Order, Transition } from '../domain/order.entity.ts';
import { OrderNotFoundError, OrderWriteConflictError } from '../domain/order.errors.ts';
import type { OrderDeps } from './order.deps.ts';

/**
 * Read, decide, write conditionally on the version read; on a lost race, read again and decide again
 * (the transition may then find nothing left to do). Returns the order as it stands afterwards.
 * `onChanged` runs once, after the write that made the change (never on a repetition that found the
 * order already changed): what is counted there (a metric) is counted once per order.
 *
 * @throws OrderNotFoundError, the transition's own errors, OrderWriteConflictError after repeated races
 */
export const changeOrder = (
  deps: OrderDeps,
  orderId: string,
  decide: (order: Order) => Transition,
  eventsOf: (next: Order) => readonly EventEnvelope[] = () => [],
  onChanged: (next: Order, previous: Order) => void = () => undefined,
): Promise<Order> =>
  retryLostRaces(
    async () => {
      const current = await deps.orders.get(orderId);
      if (!current) throw new OrderNotFoundError(orderId);
      const result = decide(current);
      if (!result.changed) return current;
      if (!(await deps.orders.update(current, result.order, eventsOf(result.order)))) return LOST_RACE;
      onChanged(result.order, current);
      return result.order;
    },
    { onExhausted: () => new OrderWriteConflictError(orderId) },
  );
