import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  CheckoutCommand,
  CheckoutResult,
  IdempotentCheckout,
} from '../application/checkout.use-case.ts';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '../domain/order.errors.ts';

/** Partition of the checkout idempotency records in the order table (sort key: the hashed key). */
export const CHECKOUT_IDEMPOTENCY_PK = 'IDEMPOTENCY#checkout';
/** How long a response is replayed; later, the order itself still tells a replay from a reused key. */
export const CHECKOUT_IDEMPOTENCY_SECONDS = 24 * 60 * 60;

export interface CheckoutIdempotencyOptions {
  readonly tableName: string;
  readonly client?: DynamoDBClient;
  readonly expiresAfterSeconds?: number;
}

/**
 * `POST /checkout` made idempotent with Powertools: the key is the customer and the `Idempotency-Key`
 * (so two customers' keys never meet), the payload validated is the parsed body. A completed request
 * replays its stored result; the same key with another body is `IdempotencyValidationError` (422); a
 * duplicate while the first is still running is `IdempotencyAlreadyInProgressError` (409). A failed
 * request (empty cart, cart unavailable...) leaves no record, so it can be retried with the same key.
 * In Lambda, the in-progress record expires with the invocation's remaining time, so a crashed request
 * does not hold its key for long.
 */
export const createIdempotentCheckout = (
  run: (command: CheckoutCommand) => Promise<CheckoutResult>,
  options: CheckoutIdempotencyOptions,
): IdempotentCheckout => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[customerId, idempotencyKey]',
    payloadValidationJmesPath: 'body',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? CHECKOUT_IDEMPOTENCY_SECONDS,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: CHECKOUT_IDEMPOTENCY_PK,
    // Epoch seconds under the table's TTL attribute, so expired records are deleted.
    expiryAttr: 'expiresAt',
    ...(options.client ? { awsSdkV3Client: options.client } : {}),
  });
  const idempotent = makeIdempotent(run, { persistenceStore, config, keyPrefix: 'checkout' });

  return async (command, lambdaContext) => {
    if (lambdaContext) config.registerLambdaContext(lambdaContext);
    try {
      return await idempotent(command);
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) throw new IdempotencyKeyInUseError();
      if (error instanceof IdempotencyValidationError) throw new IdempotencyKeyReusedError();
      throw error;
    }
  };
};
