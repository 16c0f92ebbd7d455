/**
 * Whose cart a request works on: a signed-in customer's (keyed by the token's `sub`) or a guest
 * cart opened by its cart token.
 */
export type CartOwner =
  | { readonly kind: 'customer'; readonly customerId: string }
  | { readonly kind: 'guest'; readonly cartId: string };

export const customerOwner = (customerId: string): CartOwner => ({ kind: 'customer', customerId });
export const guestOwner = (cartId: string): CartOwner => ({ kind: 'guest', cartId });
