/**
 * The cart token secret of the LOCAL runtime only. The definition gives it to the functions because
 * the local stack has no secret store; it is public (it is in the repository), so `env.ts` refuses
 * it unless the function talks to a local AWS endpoint. In AWS, the CDK app replaces
 * `CART_TOKEN_SECRET` with a Secrets Manager value (see the README).
 */
export const DEV_CART_TOKEN_SECRET = 'dev-only-cart-token-secret-never-valid-in-aws-0001';

export const CART_TOKEN_SECRET_VARIABLE = 'CART_TOKEN_SECRET';
