import { LambdaClient } from '@aws-sdk/client-lambda';
import { createCheckoutViewTask } from '../application/checkout-view.task.ts';
import { lookupEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { DynamoDbCartRepository } from '../infrastructure/dynamodb-cart.repository.ts';
import { DynamoDbProductReplica } from '../infrastructure/dynamodb-product.replica.ts';
import { LambdaSkuLookup } from '../infrastructure/lambda-sku.lookup.ts';

const env = lookupEnv();
const ddb = documentClientFromEnvironment();

/** `cart.checkoutView`: `CheckoutViewInput` -> `CheckoutViewOutput`, invoked by the order service. */
export const handler = createCheckoutViewTask({
  carts: new DynamoDbCartRepository(ddb, env.TABLE_NAME),
  replica: new DynamoDbProductReplica(ddb, env.TABLE_NAME),
  catalog: new LambdaSkuLookup({
    lambda: new LambdaClient({ maxAttempts: 1 }),
    functionName: env.CATALOG_LOOKUP_SKUS_FUNCTION_NAME,
  }),
});
