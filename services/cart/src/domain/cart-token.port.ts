export interface IssuedCartToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Signs and checks guest cart tokens. `verify` throws `InvalidCartTokenError` for a bad or expired token. */
export interface CartTokens {
  issue(cartId: string, now: Date): Promise<IssuedCartToken>;
  verify(token: string): Promise<{ readonly cartId: string }>;
}
