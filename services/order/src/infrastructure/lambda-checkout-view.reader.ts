import type { CheckoutView, CheckoutViewOutput } from '@shop/contracts/cart';
import type { InternalFunctionClient } from '@shop/platform/invoke';
import type { CheckoutViewReader } from '../domain/checkout-view.port.ts';
import { CartUnavailableError } from '../domain/order.errors.ts';

/**
 * The cart's internal `checkoutView` function, through the platform's internal-function client
 * (timeout from the remaining time, retries on timeouts and throttles, a breaker counting calls).
 */
export class LambdaCheckoutViewReader implements CheckoutViewReader {
  readonly #client: InternalFunctionClient<(typeof CheckoutView)['input'], (typeof CheckoutView)['output']>;

  constructor(
    client: InternalFunctionClient<(typeof CheckoutView)['input'], (typeof CheckoutView)['output']>,
  ) {
    this.#client = client;
  }

  async read(customerId: string): Promise<CheckoutViewOutput> {
    try {
      return await this.#client.call({ customerId });
    } catch (error) {
      throw new CartUnavailableError(error);
    }
  }
}
