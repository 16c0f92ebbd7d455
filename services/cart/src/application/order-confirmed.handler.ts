import { OrderConfirmed } from '@shop/contracts/order';
import { nowOf } from '@shop/platform/clock';
import type { EventHandler } from '@shop/platform/consumer';
import type { CartRepository } from '../domain/cart.repository.port.ts';
import type { CartDeps } from './cart.deps.ts';

/**
 * `order.confirmed` -> the buyer's cart is emptied (all of it, as checkout took the whole cart).
 * Harmless when repeated, by itself: the cart remembers the order it was last emptied for and the
 * write is conditional on it, so a redelivery (even a late or a concurrent one) changes nothing and
 * does not wipe lines added since. The consumer keeps no idempotency record for it.
 */
export const emptyCartOnOrderConfirmed = (
  deps: { readonly carts: CartRepository } & Pick<CartDeps, 'clock'>,
): EventHandler<typeof OrderConfirmed> => ({
  event: OrderConfirmed,
  dedupedBy: 'the UpdateItem is conditional on the cart not having been emptied for this order',
  handle: async (event, { logger }) => {
    const { orderId, customerId } = event.data;
    const emptied = await deps.carts.emptyForOrder(customerId, orderId, nowOf(deps));
    logger.info(emptied ? 'cart emptied for a confirmed order' : 'no cart to empty for this order', {
      orderId,
      customerId,
    });
  },
});
