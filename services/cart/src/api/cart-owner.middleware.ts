import type { AuthVariables } from '@shop/auth';
import { CART_TOKEN_HEADER } from '@shop/contracts/cart';
import type { AppEnv } from '@shop/platform/http';
import type { Context, MiddlewareHandler } from 'hono';
import { CartCredentialsMissingError, CustomerRoleRequiredError } from '../domain/cart.errors.ts';
import type { CartOwner } from '../domain/cart-owner.ts';
import { customerOwner, guestOwner } from '../domain/cart-owner.ts';
import type { CartTokens } from '../domain/cart-token.port.ts';

export type CartVariables = AuthVariables & { cartOwner?: CartOwner };
export type CartAppEnv = AppEnv<CartVariables>;

/**
 * Decides whose cart a customer-or-guest request works on. Runs after the optional bearer
 * authentication: a verified user must be a customer; without one, the `X-Cart-Token` must be a
 * valid token of this service (401 otherwise). A bearer token wins when both are sent.
 */
export const resolveCartOwner = (tokens: CartTokens): MiddlewareHandler<CartAppEnv> =>
  async function resolveCartOwner(c, next) {
    const user = c.get('user');
    if (user) {
      if (!user.roles.includes('customer')) throw new CustomerRoleRequiredError();
      c.set('cartOwner', customerOwner(user.sub));
      return next();
    }
    const token = c.req.header(CART_TOKEN_HEADER);
    if (!token) throw new CartCredentialsMissingError();
    const { cartId } = await tokens.verify(token);
    c.set('cartOwner', guestOwner(cartId));
    return next();
  };

/** The owner {@link resolveCartOwner} set. */
export const cartOwnerOf = (c: Context<CartAppEnv>): CartOwner => {
  const owner = c.get('cartOwner');
  if (!owner) throw new CartCredentialsMissingError();
  return owner;
};
