import { OrderConfirmed } from '@shop/contracts/order';
import type { EventHandler } from '@shop/platform/messaging';
import { commitStock, type StockDeps } from './stock-reservation.use-cases.ts';

/**
 * `order.confirmed` -> the order's reservation becomes a sale (the catalog's `CommitStock`). A
 * confirmed order without a reservation is logged, not retried: nothing here could ever fix it.
 */
export const commitStockOnOrderConfirmed = (deps: StockDeps): EventHandler<typeof OrderConfirmed> => ({
  event: OrderConfirmed,
  handle: async (event, { logger }) => {
    const outcome = await commitStock(deps, event.data.orderId);
    if (outcome === 'not-reserved' || outcome === 'released') {
      logger.warn('order confirmed without a live reservation: nothing to commit', {
        orderId: event.data.orderId,
        outcome,
      });
    } else {
      logger.info('stock committed', { orderId: event.data.orderId, outcome });
    }
  },
});
