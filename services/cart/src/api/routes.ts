import {
  ApplyPromotionRequest,
  Cart,
  GuestCartCreated,
  MergeCartRequest,
  SetCartItemRequest,
} from '@shop/contracts/cart';
import { Sku } from '@shop/contracts/catalog';
import {
  BEARER_AUTH,
  BEARER_OR_CART_TOKEN,
  createRoute,
  jsonBody,
  jsonResponse,
  problemResponses,
} from '@shop/platform/http';
import * as z from 'zod';

const tags = ['Cart'];
const SkuParams = z.object({ sku: Sku });

const WHO =
  'A signed-in customer (bearer token with the `customer` role) works on their own cart; a guest sends the `X-Cart-Token` of a cart from `POST /carts`.';

export const createGuestCartRoute = createRoute({
  method: 'post',
  path: '/carts',
  operationId: 'createGuestCart',
  summary: 'Open a guest cart',
  description:
    'Returns the cart id and a signed token to send as `X-Cart-Token`. The cart and its token expire after 7 days.',
  tags,
  responses: { 201: jsonResponse(GuestCartCreated, 'The new guest cart'), ...problemResponses(400) },
});

export const getCartRoute = createRoute({
  method: 'get',
  path: '/cart',
  operationId: 'getCart',
  summary: 'The cart, at current prices',
  description: `${WHO} A customer without a cart gets an empty one (\`id: null\`).`,
  tags,
  security: BEARER_OR_CART_TOKEN,
  responses: { 200: jsonResponse(Cart, 'The cart'), ...problemResponses(401, 403, 503) },
});

export const setCartItemRoute = createRoute({
  method: 'put',
  path: '/cart/items/{sku}',
  operationId: 'setCartItem',
  summary: 'Set the quantity of a SKU in the cart (1 to 99)',
  description: `${WHO} The SKU must exist (404) and be sold (422).`,
  tags,
  security: BEARER_OR_CART_TOKEN,
  request: { params: SkuParams, body: jsonBody(SetCartItemRequest) },
  responses: {
    200: jsonResponse(Cart, 'The cart'),
    ...problemResponses(400, 401, 403, 404, 409, 422, 503),
  },
});

export const removeCartItemRoute = createRoute({
  method: 'delete',
  path: '/cart/items/{sku}',
  operationId: 'removeCartItem',
  summary: 'Remove a SKU from the cart; idempotent',
  description: WHO,
  tags,
  security: BEARER_OR_CART_TOKEN,
  request: { params: SkuParams },
  responses: { 200: jsonResponse(Cart, 'The cart'), ...problemResponses(400, 401, 403, 503) },
});

export const clearCartRoute = createRoute({
  method: 'delete',
  path: '/cart',
  operationId: 'clearCart',
  summary: 'Empty the cart; idempotent',
  description: WHO,
  tags,
  security: BEARER_OR_CART_TOKEN,
  responses: { 204: { description: 'The cart is empty' }, ...problemResponses(401, 403) },
});

export const mergeCartRoute = createRoute({
  method: 'post',
  path: '/cart/merge',
  operationId: 'mergeGuestCart',
  summary: "Merge a guest cart into the signed-in customer's cart",
  description:
    "Quantities of a SKU in both carts add up (at most 99); the guest cart is deleted in the same transaction. Merging a cart that is already gone returns the customer's cart unchanged.",
  tags,
  security: BEARER_AUTH,
  request: { body: jsonBody(MergeCartRequest) },
  responses: {
    200: jsonResponse(Cart, "The customer's cart"),
    ...problemResponses(400, 401, 403, 409, 422, 503),
  },
});

export const applyPromotionRoute = createRoute({
  method: 'put',
  path: '/cart/promotion',
  operationId: 'applyCartPromotion',
  summary: 'Apply a promotion code to the cart (it replaces any other)',
  description: `${WHO} Codes are case-insensitive. The cart then shows \`promotion: {code, discount}\` and \`total\`; checkout redeems the code. An unknown code is a 404 \`PROMOTION.NOT_FOUND\`; a 409 says why a known one cannot be used now: \`PROMOTION.EXPIRED\`, \`PROMOTION.NOT_YET_VALID\`, \`PROMOTION.BELOW_MINIMUM\`, \`PROMOTION.EXHAUSTED\` (used up, in all or by this customer), \`PROMOTION.INACTIVE\`; a cart without lines is a 409 \`CART.EMPTY\`.`,
  tags,
  security: BEARER_OR_CART_TOKEN,
  request: { body: jsonBody(ApplyPromotionRequest) },
  responses: {
    200: jsonResponse(Cart, 'The cart with the code applied'),
    ...problemResponses(400, 401, 403, 404, 409, 503),
  },
});

export const removePromotionRoute = createRoute({
  method: 'delete',
  path: '/cart/promotion',
  operationId: 'removeCartPromotion',
  summary: "Remove the cart's promotion code; idempotent",
  description: WHO,
  tags,
  security: BEARER_OR_CART_TOKEN,
  responses: { 200: jsonResponse(Cart, 'The cart without a code'), ...problemResponses(401, 403, 503) },
});

/** Every route of the cart's HTTP function, in the order the API reference lists them. */
export const cartRoutes = [
  createGuestCartRoute,
  getCartRoute,
  setCartItemRoute,
  removeCartItemRoute,
  clearCartRoute,
  mergeCartRoute,
  applyPromotionRoute,
  removePromotionRoute,
];
