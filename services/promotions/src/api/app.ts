import type { AuthVariables } from '@shop/auth';
import { type Auth, createApp } from '@shop/platform/http';
import { promotionPageOf, promotionViewOf } from '../application/promotion-view.mapper.ts';
import type { PromotionsDeps } from '../application/promotions.deps.ts';
import { createPromotion, listPromotions, updatePromotion } from '../application/promotions.use-cases.ts';
import { createPromotionRoute, listPromotionsRoute, updatePromotionRoute } from './routes.ts';

export interface PromotionsAppDeps extends PromotionsDeps {
  readonly auth: Auth;
}

/** The admin API of promotions: every route needs the `admin` role (401 without a token, 403 without it). */
export const buildApp = (deps: PromotionsAppDeps) => {
  const app = createApp<AuthVariables>();
  const admin = [deps.auth.authenticate, deps.auth.requireRole('admin')];

  app.openapi({ ...createPromotionRoute, middleware: admin }, async (c) => {
    const promotion = await createPromotion(deps, c.req.valid('json'));
    return c.json(promotionViewOf(promotion), 201, { Location: `/promotions/${promotion.code}` });
  });

  app.openapi({ ...listPromotionsRoute, middleware: admin }, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(promotionPageOf(await listPromotions(deps, { limit, ...(cursor ? { cursor } : {}) })), 200);
  });

  app.openapi({ ...updatePromotionRoute, middleware: admin }, async (c) => {
    const promotion = await updatePromotion(deps, c.req.valid('param').code, c.req.valid('json'));
    return c.json(promotionViewOf(promotion), 200);
  });

  return app;
};
