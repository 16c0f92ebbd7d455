import { LambdaClient } from '@aws-sdk/client-lambda';
import { createAuth, createHttpHandler } from '@shop/platform/http';
import { buildApp } from '../api/app.ts';
import { GUEST_CART_TTL_SECONDS } from '../application/cart.use-cases.ts';
import { httpEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { DynamoDbCartRepository } from '../infrastructure/dynamodb-cart.repository.ts';
import { DynamoDbProductReplica } from '../infrastructure/dynamodb-product.replica.ts';
import { createJoseCartTokens } from '../infrastructure/jose-cart.tokens.ts';
import { LambdaSkuLookup } from '../infrastructure/lambda-sku.lookup.ts';

const env = httpEnv();
const ddb = documentClientFromEnvironment();

export const handler = createHttpHandler(
  buildApp({
    carts: new DynamoDbCartRepository(ddb, env.TABLE_NAME),
    replica: new DynamoDbProductReplica(ddb, env.TABLE_NAME),
    // The cockatiel policy owns retries; the SDK's own would multiply them.
    catalog: new LambdaSkuLookup({
      lambda: new LambdaClient({ maxAttempts: 1 }),
      functionName: env.CATALOG_LOOKUP_SKUS_FUNCTION_NAME,
    }),
    tokens: createJoseCartTokens({ secret: env.CART_TOKEN_SECRET, ttlSeconds: GUEST_CART_TTL_SECONDS }),
    auth: createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL }),
  }),
);
