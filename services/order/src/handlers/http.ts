import { createAuth, createHttpHandler } from '@shop/platform/http';
import { buildApp } from '../api/app.ts';
import { checkout } from '../application/checkout.use-case.ts';
import type { CheckoutDeps } from '../application/order.deps.ts';
import { httpEnv } from '../env.ts';
import { createIdempotentCheckout } from '../infrastructure/checkout-idempotency.ts';
import {
  createCheckoutViewReader,
  createOrderDeps,
  createSagaStarter,
} from '../infrastructure/order.composition.ts';

const env = httpEnv();

const deps: CheckoutDeps = {
  ...createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }),
  cartView: createCheckoutViewReader(env.cartCheckoutViewFunctionName),
  sagas: createSagaStarter({ checkout: env.checkoutStateMachineArn, cancel: env.cancelStateMachineArn }),
};

export const handler = createHttpHandler(
  buildApp({
    ...deps,
    checkout: createIdempotentCheckout((command) => checkout(deps, command), { tableName: env.TABLE_NAME }),
    auth: createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL }),
  }),
);
