import { OrderConfirmed } from '@shop/contracts/order';
import type { EventHandler } from '@shop/platform/consumer';
import { commitStock, type StockDeps } from './stock-reservation.use-cases.ts';

/**
 * `order.confirmed` -> the order's reservation becomes a sale (the catalog's `CommitStock`). A
 * confirmed order without a live reservation is logged, not retried: nothing here could ever fix it.
 * Idempotent by itself (the commit is conditional on the reservation still being RESERVED), so the
 * consumer keeps no idempotency record for it.
 */
export const commitStockOnOrderConfirmed = (deps: StockDeps): EventHandler<typeof OrderConfirmed> => ({
  event: OrderConfirmed,
  dedupedBy: 'the commit transaction is conditional on the reservation being RESERVED',
  handle: async (event, { logger }) => {
    const outcome = await commitStock(deps, event.data.orderId);
    const context = { orderId: event.data.orderId, outcome };
    switch (outcome) {
      case 'committed':
        logger.info('stock committed', context);
        return;
      case 'already-committed':
      case 'restocked':
        logger.info('stock already committed', context);
        return;
      // A release before the commit is the saga compensating first (queues are asynchronous): the
      // units are already back, and selling them now would take them twice.
      case 'released':
      case 'not-reserved':
        logger.warn('order confirmed without a live reservation: nothing to commit', context);
        return;
    }
  },
});
