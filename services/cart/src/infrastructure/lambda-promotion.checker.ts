import type { Money } from '@shop/contracts';
import type { CheckPromotion } from '@shop/contracts/promotions';
import type { InternalFunctionClient } from '@shop/platform/invoke';
import { PromotionsUnavailableError } from '../domain/cart.errors.ts';
import type { PromotionCheck, PromotionChecker } from '../domain/promotion-checker.port.ts';

export type CheckPromotionClient = InternalFunctionClient<
  (typeof CheckPromotion)['input'],
  (typeof CheckPromotion)['output']
>;

/** The promotions service's internal `checkPromotion`; anything going wrong is a `PromotionsUnavailableError`. */
export class LambdaPromotionChecker implements PromotionChecker {
  readonly #client: CheckPromotionClient;

  constructor(client: CheckPromotionClient) {
    this.#client = client;
  }

  async check(code: string, subtotal: Money, customerId?: string): Promise<PromotionCheck> {
    try {
      return await this.#client.call({ code, subtotal, ...(customerId === undefined ? {} : { customerId }) });
    } catch (error) {
      throw new PromotionsUnavailableError(error);
    }
  }
}
