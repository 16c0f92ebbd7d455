import { getUser } from '@shop/auth';
import { type Auth, createApp } from '@shop/platform/http';
import type { CartDeps } from '../application/cart.deps.ts';
import {
  applyPromotion,
  clearCart,
  createGuestCart,
  getCart,
  mergeGuestCart,
  removeItem,
  removePromotion,
  setItemQuantity,
} from '../application/cart.use-cases.ts';
import { type CartVariables, cartOwnerOf, resolveCartOwner } from './cart-owner.middleware.ts';
import {
  applyPromotionRoute,
  clearCartRoute,
  createGuestCartRoute,
  getCartRoute,
  mergeCartRoute,
  removeCartItemRoute,
  removePromotionRoute,
  setCartItemRoute,
} from './routes.ts';

export interface CartAppDeps extends CartDeps {
  readonly auth: Auth;
}

/**
 * The cart's HTTP API. `POST /carts` is public; the cart routes take a customer's bearer token or a
 * guest's cart token; merging needs a customer.
 */
export const buildApp = (deps: CartAppDeps) => {
  const app = createApp<CartVariables>();
  const customerOrGuest = [deps.auth.authenticateOptional, resolveCartOwner(deps.tokens)];
  const customer = [deps.auth.authenticate, deps.auth.requireRole('customer')];

  app.openapi(createGuestCartRoute, async (c) => c.json(await createGuestCart(deps), 201));

  app.openapi({ ...getCartRoute, middleware: customerOrGuest }, async (c) =>
    c.json(await getCart(deps, cartOwnerOf(c)), 200),
  );

  app.openapi({ ...setCartItemRoute, middleware: customerOrGuest }, async (c) => {
    const { sku } = c.req.valid('param');
    const { quantity } = c.req.valid('json');
    return c.json(await setItemQuantity(deps, cartOwnerOf(c), sku, quantity), 200);
  });

  app.openapi({ ...removeCartItemRoute, middleware: customerOrGuest }, async (c) =>
    c.json(await removeItem(deps, cartOwnerOf(c), c.req.valid('param').sku), 200),
  );

  app.openapi({ ...clearCartRoute, middleware: customerOrGuest }, async (c) => {
    await clearCart(deps, cartOwnerOf(c));
    return c.body(null, 204);
  });

  app.openapi({ ...mergeCartRoute, middleware: customer }, async (c) =>
    c.json(await mergeGuestCart(deps, getUser(c).sub, c.req.valid('json').cartToken), 200),
  );

  app.openapi({ ...applyPromotionRoute, middleware: customerOrGuest }, async (c) =>
    c.json(await applyPromotion(deps, cartOwnerOf(c), c.req.valid('json').code), 200),
  );

  app.openapi({ ...removePromotionRoute, middleware: customerOrGuest }, async (c) =>
    c.json(await removePromotion(deps, cartOwnerOf(c)), 200),
  );

  return app;
};
