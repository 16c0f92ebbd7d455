import type { CheckoutViewOutput } from '@shop/contracts/cart';

/** Reads the customer's cart as checkout needs it (the cart service's `checkoutView` function). */
export interface CheckoutViewReader {
  /** @throws CartUnavailableError when the cart cannot be read right now. */
  read(customerId: string): Promise<CheckoutViewOutput>;
}
