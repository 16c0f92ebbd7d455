import { PROMOTION_TASKS, PromotionRedeemed, PromotionReleased } from '@shop/contracts/promotions';
import { defineService, internalFunction, OUTBOX_RELAY, sagaTask, singleTable } from '@shop/platform/service';
import { routes } from './api/routes.ts';

/**
 * The promotions service: coupon codes, their limits and their redemptions by orders. Data only
 * (both runtimes import it).
 */
export default defineService({
  name: 'promotions',
  root: new URL('..', import.meta.url),
  // gsi1: every promotion by code (the admin listing).
  table: singleTable({ indexes: [{}], outbox: true }),
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes }],
    },
    // Internal: the cart invokes it when a shopper applies a code (`invokes: ['promotions.checkPromotion']`).
    checkPromotion: internalFunction('src/handlers/check-promotion.function.ts'),
    redeemPromotion: sagaTask('src/handlers/redeem-promotion.task.ts', PROMOTION_TASKS.redeemPromotion),
    releasePromotion: sagaTask('src/handlers/release-promotion.task.ts', PROMOTION_TASKS.releasePromotion),
    outboxRelay: OUTBOX_RELAY,
  },
  publishes: [PromotionRedeemed.type, PromotionReleased.type],
});
