import { type AuthVariables, getUser } from '@shop/auth';
import { isCardNumberIssue } from '@shop/contracts/payment';
import { CardNumberRefusedError, fieldErrorsOf } from '@shop/platform/errors';
import { type Auth, aboutOrder, createApp, type ValidationHook } from '@shop/platform/http';
import { listPayments } from '../application/list-payments.use-case.ts';
import type { PaymentDeps } from '../application/payment.deps.ts';
import { toPaymentDto } from '../application/payment-view.mapper.ts';
import { refundPaymentById } from '../application/refund-payment.use-case.ts';
import { listPaymentsRoute, refundPaymentRoute } from './routes.ts';

export interface PaymentAppDeps extends PaymentDeps {
  readonly auth: Auth;
}

/**
 * Validation failures become 400 problems, except a card number anywhere in the input: that is a 422
 * `PAYMENT.CARD_NUMBER_REFUSED`. Neither echoes the value (the messages are the schemas' own).
 */
const refuseCardNumbers: ValidationHook = (result) => {
  if (!result.success && result.error.issues.some(isCardNumberIssue)) {
    const part = result.target === 'json' ? 'body' : result.target;
    throw new CardNumberRefusedError(fieldErrorsOf(result.error, part));
  }
};

export const buildApp = (deps: PaymentAppDeps) => {
  const app = createApp<AuthVariables>();

  app.openapi(
    {
      ...listPaymentsRoute,
      middleware: [deps.auth.authenticate, deps.auth.requireRole('customer', 'admin')],
    },
    async (c) => {
      const user = getUser(c);
      const query = c.req.valid('query');
      if (query.orderId) aboutOrder(c, query.orderId);
      const page = await listPayments(deps, user, query);
      return c.json(
        { items: page.items.map(toPaymentDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
        200,
      );
    },
    refuseCardNumbers,
  );

  app.openapi(
    { ...refundPaymentRoute, middleware: [deps.auth.authenticate, deps.auth.requireRole('admin')] },
    async (c) => {
      const { paymentId } = c.req.valid('param');
      const body = c.req.valid('json') ?? {};
      const key = c.req.valid('header')['idempotency-key'];
      const payment = await refundPaymentById(
        deps,
        paymentId,
        {
          refundId: key ? `api-${key}` : `api-${crypto.randomUUID()}`,
          ...(body.amount ? { amount: body.amount } : {}),
          ...(body.reason ? { reason: body.reason } : {}),
        },
        { correlationId: c.get('correlationId') },
      );
      aboutOrder(c, payment.orderId);
      return c.json(toPaymentDto(payment), 200);
    },
    refuseCardNumbers,
  );

  return app;
};
