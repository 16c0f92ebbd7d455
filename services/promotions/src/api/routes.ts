import { PageQuery } from '@shop/contracts';
import {
  CreatePromotionRequest,
  Promotion,
  PromotionCode,
  PromotionPage,
  UpdatePromotionRequest,
} from '@shop/contracts/promotions';
import { BEARER_AUTH, createRoute, jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';
import * as z from 'zod';

const TAGS = ['Promotions'];

export const createPromotionRoute = createRoute({
  method: 'post',
  path: '/promotions',
  operationId: 'createPromotion',
  tags: TAGS,
  summary: 'Create a promotion code (admin)',
  description:
    'A code (case-insensitive: kept and answered in upper case) with a percentage (1 to 100) or an amount off the cart subtotal, optional dates, a minimum subtotal and limits in all and per customer. A code that exists, in any case, is a 409 `PROMOTION.EXISTS`.',
  security: BEARER_AUTH,
  request: { body: jsonBody(CreatePromotionRequest) },
  responses: {
    201: jsonResponse(Promotion, 'The promotion'),
    ...problemResponses(400, 401, 403, 409),
  },
});

export const listPromotionsRoute = createRoute({
  method: 'get',
  path: '/promotions',
  operationId: 'listPromotions',
  tags: TAGS,
  summary: 'Every promotion, by code (admin)',
  security: BEARER_AUTH,
  request: { query: PageQuery },
  responses: {
    200: jsonResponse(PromotionPage, 'A page of promotions; `nextCursor` is absent on the last page'),
    ...problemResponses(400, 401, 403),
  },
});

export const updatePromotionRoute = createRoute({
  method: 'patch',
  path: '/promotions/{code}',
  operationId: 'updatePromotion',
  tags: TAGS,
  summary: 'Change the dates and limits of a promotion, or deactivate it (admin)',
  description:
    '`null` removes a date or limit; `active: false` deactivates the code (carts can no longer apply it, checkouts holding it are rejected with `PROMOTION_UNAVAILABLE`). Redemptions already made stand. An unknown code is a 404 `PROMOTION.NOT_FOUND`.',
  security: BEARER_AUTH,
  request: { params: z.object({ code: PromotionCode }), body: jsonBody(UpdatePromotionRequest) },
  responses: {
    200: jsonResponse(Promotion, 'The promotion as changed'),
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

/** Every route of the HTTP function, for the definition and the OpenAPI document. */
export const routes = [createPromotionRoute, listPromotionsRoute, updatePromotionRoute];
