import { createRoute } from '@hono/zod-openapi';
import { CreatePromotionsEntryRequest, PromotionsEntry } from '@shop/contracts/promotions';
import { BEARER_AUTH, jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';

export const createEntryRoute = createRoute({
  method: 'post',
  path: '/promotions',
  operationId: 'createPromotionsEntry',
  tags: ['Promotions'],
  summary: 'Create an entry (a signed-in customer)',
  security: BEARER_AUTH,
  request: { body: jsonBody(CreatePromotionsEntryRequest) },
  responses: {
    201: jsonResponse(PromotionsEntry, 'The entry'),
    ...problemResponses(400, 401, 403, 409),
  },
});

/** Every route of the HTTP function, for the definition and the OpenAPI document. */
export const routes = [createEntryRoute];
