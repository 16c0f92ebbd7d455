import { createCheckoutViewFunction } from '../application/checkout-view.use-case.ts';
import { createCheckoutViewDeps } from '../composition-root.ts';
import { lookupEnv } from '../env.ts';

/** Internal function `cart.checkoutView`, invoked directly by the order service (Lambda Invoke). */
export const handler = createCheckoutViewFunction(createCheckoutViewDeps(lookupEnv()));
