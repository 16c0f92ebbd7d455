import {
  AdminListOrdersQuery,
  CheckoutAccepted,
  CheckoutRequest,
  IdempotencyKey,
  ListOrdersQuery,
  Order,
  OrderId,
  OrderPage,
} from '@shop/contracts/order';
import { BEARER_AUTH, createRoute, jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';
import * as z from 'zod';

const TAGS = ['Order'];
const OrderParams = z.object({ orderId: OrderId });

export const checkoutRoute = createRoute({
  method: 'post',
  path: '/checkout',
  operationId: 'checkout',
  tags: TAGS,
  summary: "Place an order from the caller's cart",
  description:
    'Creates a PENDING order from the cart and starts the checkout saga (reserve stock, authorize, confirm, capture); `GET /orders/{orderId}` shows the outcome. The `Idempotency-Key` header is required: the same key with the same body replays the first response (status, body and Location), the same key with another body is a 422 `ORDER.IDEMPOTENCY_KEY_REUSED`, and a duplicate sent while the first is still in progress is a 409 `ORDER.IDEMPOTENCY_KEY_IN_USE`. An empty cart is a 422 `ORDER.CART_EMPTY`; a payment method that is not a token is a 422 (`ORDER.INVALID_PAYMENT_METHOD`, or `PAYMENT.CARD_NUMBER_REFUSED` for anything that looks like a card number, which is never echoed); an unavailable cart is a 503.',
  security: BEARER_AUTH,
  request: {
    headers: z.object({ 'idempotency-key': IdempotencyKey }),
    body: jsonBody(CheckoutRequest),
  },
  responses: {
    202: {
      ...jsonResponse(CheckoutAccepted, 'The order is placed and its checkout saga started'),
      headers: z.object({ Location: z.string().meta({ description: 'The order: /orders/{orderId}' }) }),
    },
    ...problemResponses(400, 401, 403, 409, 422, 503),
  },
});

export const listOrdersRoute = createRoute({
  method: 'get',
  path: '/orders',
  operationId: 'listOrders',
  tags: TAGS,
  summary: "The caller's orders, newest first",
  security: BEARER_AUTH,
  request: { query: ListOrdersQuery },
  responses: {
    200: jsonResponse(OrderPage, "A page of the caller's orders; `nextCursor` is absent on the last page"),
    ...problemResponses(400, 401, 403),
  },
});

export const getOrderRoute = createRoute({
  method: 'get',
  path: '/orders/{orderId}',
  operationId: 'getOrder',
  tags: TAGS,
  summary: 'An order with its lines, totals, status and status history (owner or admin)',
  description: "Someone else's order is a 404, like one that does not exist.",
  security: BEARER_AUTH,
  request: { params: OrderParams },
  responses: {
    200: jsonResponse(Order, 'The order'),
    ...problemResponses(400, 401, 403, 404),
  },
});

export const cancelOrderRoute = createRoute({
  method: 'post',
  path: '/orders/{orderId}/cancel',
  operationId: 'cancelOrder',
  tags: TAGS,
  summary: 'Cancel a confirmed order: refund and restock (owner or admin)',
  description:
    'Only a CONFIRMED order can be cancelled. It becomes CANCELLING while the cancel saga refunds the payment and returns the units to stock, then CANCELLED (`order.cancelled` is published); if the refund fails it goes back to CONFIRMED. Any other status, a second cancel included, is a 409 `ORDER.NOT_CANCELLABLE`.',
  security: BEARER_AUTH,
  request: { params: OrderParams },
  responses: {
    202: jsonResponse(Order, 'The order, now CANCELLING'),
    ...problemResponses(400, 401, 403, 404, 409, 503),
  },
});

export const adminListOrdersRoute = createRoute({
  method: 'get',
  path: '/admin/orders',
  operationId: 'adminListOrders',
  tags: TAGS,
  summary: 'Every order in a status, newest first (admin)',
  security: BEARER_AUTH,
  request: { query: AdminListOrdersQuery },
  responses: {
    200: jsonResponse(OrderPage, 'A page of orders in the status'),
    ...problemResponses(400, 401, 403),
  },
});

/** Every route of the HTTP function, for the definition and the OpenAPI document. */
export const routes = [checkoutRoute, listOrdersRoute, getOrderRoute, cancelOrderRoute, adminListOrdersRoute];
