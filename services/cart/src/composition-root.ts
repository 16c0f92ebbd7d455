import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LookupSkus } from '@shop/contracts/catalog';
import { CheckPromotion } from '@shop/contracts/promotions';
import { createDocumentClient } from '@shop/platform/dynamodb';
import { type CallPolicyOptions, createInternalFunctionClient } from '@shop/platform/invoke';
import type { CartDeps } from './application/cart.deps.ts';
import { GUEST_CART_TTL_SECONDS } from './application/cart.use-cases.ts';
import type { HttpEnv, LookupEnv } from './env.ts';
import { DynamoDbCartRepository } from './infrastructure/dynamodb-cart.repository.ts';
import { DynamoDbProductReplica } from './infrastructure/dynamodb-product.replica.ts';
import { createJoseCartTokens } from './infrastructure/jose-cart.tokens.ts';
import { LambdaPromotionChecker } from './infrastructure/lambda-promotion.checker.ts';
import { LambdaSkuLookup } from './infrastructure/lambda-sku.lookup.ts';

/** The one place the cart service chooses its adapters; handlers only call these. */

/**
 * The catalog's `lookupSkus`: the breaker counts attempts, so a dead catalog opens it within one
 * call's retries and the cart falls back to its replica at once for the next requests.
 */
export const CATALOG_CALL_POLICY: CallPolicyOptions = {
  maxAttempts: 3,
  breaker: { counts: 'attempt', after: 5 },
};

export const createSkuLookup = (
  functionName: string,
  options: { readonly lambda?: LambdaClient; readonly policy?: CallPolicyOptions } = {},
) =>
  new LambdaSkuLookup(
    createInternalFunctionClient({
      contract: LookupSkus,
      functionName,
      policy: options.policy ?? CATALOG_CALL_POLICY,
      ...(options.lambda ? { lambda: options.lambda } : {}),
    }),
  );

/** The promotions service's `checkPromotion`, asked only when a shopper applies a code. */
export const createPromotionChecker = (
  functionName: string,
  options: { readonly lambda?: LambdaClient; readonly policy?: CallPolicyOptions } = {},
) =>
  new LambdaPromotionChecker(
    createInternalFunctionClient({
      contract: CheckPromotion,
      functionName,
      policy: options.policy ?? { maxAttempts: 3, breaker: { counts: 'call', after: 5 } },
      ...(options.lambda ? { lambda: options.lambda } : {}),
    }),
  );

/** Carts and the product replica in the service's table. */
export const createStoreDeps = (tableName: string, ddb: DynamoDBDocumentClient = createDocumentClient()) => ({
  carts: new DynamoDbCartRepository(ddb, tableName),
  replica: new DynamoDbProductReplica(ddb, tableName),
});

/** What `checkoutView` needs: the store and the catalog. */
export const createCheckoutViewDeps = (env: LookupEnv) => ({
  ...createStoreDeps(env.TABLE_NAME),
  catalog: createSkuLookup(env.CATALOG_LOOKUP_SKUS_FUNCTION_NAME),
});

/** What the HTTP function's use cases need. */
export const createHttpDeps = (env: HttpEnv): CartDeps => ({
  ...createCheckoutViewDeps(env),
  tokens: createJoseCartTokens({ secret: env.CART_TOKEN_SECRET, ttlSeconds: GUEST_CART_TTL_SECONDS }),
  promotions: createPromotionChecker(env.PROMOTIONS_CHECK_PROMOTION_FUNCTION_NAME),
});

/** The event consumers' store, sharing the idempotency layer's client. */
export const createConsumerDeps = (tableName: string, client: DynamoDBClient) =>
  createStoreDeps(tableName, createDocumentClient(client));
