import { type AuthVariables, getUser } from '@shop/auth';
import { isCardNumberIssue } from '@shop/contracts/payment';
import { CardNumberRefusedError } from '@shop/platform/errors';
import { type Auth, aboutOrder, createApp, type ValidationHook } from '@shop/platform/http';
import { recordMetric, SHOP_METRICS } from '@shop/platform/observability';
import type { Context as LambdaContext } from 'aws-lambda';
import { cancelOrder } from '../application/cancel-order.use-case.ts';
import type { IdempotentCheckout } from '../application/checkout.use-case.ts';
import type { CheckoutDeps } from '../application/order.deps.ts';
import { getOrder, listMyOrders, listOrdersByStatus } from '../application/order-queries.use-case.ts';
import { toOrderDto, toOrderPage } from '../application/order-view.mapper.ts';
import { InvalidPaymentMethodError } from '../domain/order.errors.ts';
import {
  adminListOrdersRoute,
  cancelOrderRoute,
  checkoutRoute,
  getOrderRoute,
  listOrdersRoute,
} from './routes.ts';

export interface OrderAppDeps extends CheckoutDeps {
  /** `checkout` made idempotent by the `Idempotency-Key` (see createIdempotentCheckout). */
  readonly checkout: IdempotentCheckout;
  readonly auth: Auth;
}

/**
 * Checkout's validation: anything that looks like a card number is a 422 `PAYMENT.CARD_NUMBER_REFUSED`,
 * a payment method that is not a token a 422 `ORDER.INVALID_PAYMENT_METHOD`, the rest a 400. No message
 * echoes the value.
 */
const checkoutValidation: ValidationHook = (result) => {
  if (result.success) return;
  const issues = result.error.issues;
  if (issues.some(isCardNumberIssue)) throw new CardNumberRefusedError();
  const method = issues.find(
    (issue) => result.target === 'json' && issue.path[0] === 'paymentMethod' && issue.code === 'custom',
  );
  if (method) throw new InvalidPaymentMethodError(`/body/paymentMethod: ${method.message}`);
};

export const buildApp = (deps: OrderAppDeps) => {
  const app = createApp<AuthVariables>();
  const signedIn = [deps.auth.authenticate, deps.auth.requireRole('customer', 'admin')];

  app.openapi(
    { ...checkoutRoute, middleware: [deps.auth.authenticate, deps.auth.requireRole('customer')] },
    async (c) => {
      const started = performance.now();
      const user = getUser(c);
      try {
        const result = await deps.checkout(
          {
            customerId: user.sub,
            ...(user.email ? { email: user.email } : {}),
            idempotencyKey: c.req.valid('header')['idempotency-key'],
            body: c.req.valid('json'),
            correlationId: c.get('correlationId'),
          },
          c.env?.lambdaContext as LambdaContext | undefined,
        );
        aboutOrder(c, result.orderId);
        return c.json(result, 202, { Location: `/orders/${result.orderId}` });
      } finally {
        recordMetric(SHOP_METRICS.checkoutLatency, performance.now() - started);
      }
    },
    checkoutValidation,
  );

  app.openapi({ ...listOrdersRoute, middleware: signedIn }, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await listMyOrders(deps, getUser(c), { limit, ...(cursor ? { cursor } : {}) });
    return c.json(toOrderPage(page), 200);
  });

  app.openapi({ ...getOrderRoute, middleware: signedIn }, async (c) => {
    const { orderId } = c.req.valid('param');
    aboutOrder(c, orderId);
    const order = await getOrder(deps, getUser(c), orderId);
    return c.json(toOrderDto(order), 200);
  });

  app.openapi({ ...cancelOrderRoute, middleware: signedIn }, async (c) => {
    const { orderId } = c.req.valid('param');
    aboutOrder(c, orderId);
    const order = await cancelOrder(deps, getUser(c), orderId, c.get('correlationId'));
    return c.json(toOrderDto(order), 202);
  });

  app.openapi(
    { ...adminListOrdersRoute, middleware: [deps.auth.authenticate, deps.auth.requireRole('admin')] },
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const page = await listOrdersByStatus(deps, status, { limit, ...(cursor ? { cursor } : {}) });
      return c.json(toOrderPage(page), 200);
    },
  );

  return app;
};
