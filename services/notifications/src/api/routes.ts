import { createRoute } from '@hono/zod-openapi';
import { CreateNotificationsEntryRequest, NotificationsEntry } from '@shop/contracts/notifications';
import { BEARER_AUTH, jsonBody, jsonResponse, problemResponses } from '@shop/platform/http';

export const createEntryRoute = createRoute({
  method: 'post',
  path: '/notifications',
  operationId: 'createNotificationsEntry',
  tags: ['Notifications'],
  summary: 'Create an entry (a signed-in customer)',
  security: BEARER_AUTH,
  request: { body: jsonBody(CreateNotificationsEntryRequest) },
  responses: {
    201: jsonResponse(NotificationsEntry, 'The entry'),
    ...problemResponses(400, 401, 403, 409),
  },
});

/** Every route of the HTTP function, for the definition and the OpenAPI document. */
export const routes = [createEntryRoute];
