import {
  ListPaymentsQuery,
  Payment,
  PaymentPage,
  PaymentResourceId,
  RefundRequest,
} from '@shop/contracts/payment';
import { BEARER_AUTH, createRoute, jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';
import * as z from 'zod';

export const listPaymentsRoute = createRoute({
  method: 'get',
  path: '/payments',
  operationId: 'listPayments',
  tags: ['Payment'],
  summary: "The payments of an order (the order's owner or an admin)",
  description:
    'Anyone else gets an empty list rather than an error, so the answer does not tell whether the order exists.',
  security: BEARER_AUTH,
  request: { query: ListPaymentsQuery },
  responses: {
    200: jsonResponse(PaymentPage, 'The payments of the order that the caller may see'),
    ...problemResponses(400, 401, 403),
  },
});

const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1 to 128 of A-Z, a-z, 0-9, _, ., : and -')
  .optional()
  .meta({
    description: 'Makes the refund safe to retry: the same key refunds once and returns the same payment.',
  });

export const refundPaymentRoute = createRoute({
  method: 'post',
  path: '/payments/{paymentId}/refund',
  operationId: 'refundPayment',
  tags: ['Payment'],
  summary: 'Refund a captured payment, in full or in part (admin)',
  description:
    'Without `amount`, refunds everything not yet refunded. The payment becomes REFUNDED once refunds reach the captured amount; a partial refund leaves it CAPTURED with a `refundedAmount`. Card numbers in `reason` are refused (PAYMENT.CARD_NUMBER_REFUSED).',
  security: BEARER_AUTH,
  request: {
    params: z.object({ paymentId: PaymentResourceId }),
    headers: z.object({ 'idempotency-key': IdempotencyKey }),
    body: { ...jsonBody(RefundRequest), required: false },
  },
  responses: {
    200: jsonResponse(Payment, 'The payment after the refund'),
    ...problemResponses(400, 401, 403, 404, 409, 422, 503),
  },
});

/** Every route of the HTTP function, for the definition and the OpenAPI document. */
export const routes = [listPaymentsRoute, refundPaymentRoute];
