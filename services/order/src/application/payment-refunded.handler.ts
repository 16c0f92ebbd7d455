import { PaymentRefunded } from '@shop/contracts/payment';
import { nowOf } from '@shop/platform/clock';
import type { EventHandler } from '@shop/platform/consumer';
import { recordRefund } from '../domain/order.entity.ts';
import { OrderNotFoundError } from '../domain/order.errors.ts';
import { changeOrder } from './change-order.ts';
import type { OrderDeps } from './order.deps.ts';

/**
 * `payment.refunded` -> a line in the order's status history and its `refundedAmount`. Idempotent
 * twice over: the consumer skips an event id it has handled, and the order skips a refund id it holds.
 */
export const recordRefundOnPaymentRefunded = (deps: OrderDeps): EventHandler<typeof PaymentRefunded> => ({
  event: PaymentRefunded,
  handle: async (event, { logger }) => {
    const { orderId, refundId, amount, refundedAmount, fullyRefunded } = event.data;
    try {
      await changeOrder(deps, orderId, (order) =>
        recordRefund(order, { refundId, amount, refundedAmount, fullyRefunded }, nowOf(deps)),
      );
    } catch (error) {
      // A payment of an order this service does not know cannot become known by retrying.
      if (!(error instanceof OrderNotFoundError)) throw error;
      logger.warn('refund of an unknown order: ignored', { orderId, refundId });
    }
  },
});
