import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CheckoutView } from '@shop/contracts/cart';
import { createDocumentClient } from '@shop/platform/dynamodb';
import { type CallPolicyOptions, createInternalFunctionClient } from '@shop/platform/invoke';
import { type CheckoutCommand, checkout, type IdempotentCheckout } from './application/checkout.use-case.ts';
import type { CheckoutDeps, OrderDeps } from './application/order.deps.ts';
import { createOrderTasks } from './application/order.tasks.ts';
import type { ReconcileDeps } from './application/reconcile-orders.use-case.ts';
import { type HttpConfig, reconcileEnv, taskEnv } from './env.ts';
import { createIdempotentCheckout } from './infrastructure/checkout-idempotency.ts';
import { DynamoDbOrderRepository } from './infrastructure/dynamodb-order.repository.ts';
import { LambdaCheckoutViewReader } from './infrastructure/lambda-checkout-view.reader.ts';
import { SfnSagaStarter } from './infrastructure/sfn-saga.starter.ts';

/** The one place the order service chooses its adapters; handlers only call these. */

export interface OrderInfrastructureOptions {
  readonly tableName: string;
  readonly source: string;
  /** Defaults to a client configured by the environment (region, `AWS_ENDPOINT_URL`). */
  readonly documentClient?: DynamoDBDocumentClient;
}

/** What every function uses: orders in DynamoDB. */
export const createOrderDeps = (options: OrderInfrastructureOptions): OrderDeps => ({
  orders: new DynamoDbOrderRepository({
    documentClient: options.documentClient ?? createDocumentClient(),
    tableName: options.tableName,
  }),
  source: options.source,
});

/**
 * The cart's `checkoutView`: one breaker per function instance that counts calls (a call's own
 * retries count once), so one slow cart does not open it for everybody. After the read, checkout
 * still writes the order and starts the saga: it keeps 4 s of its time for that, and answers a 503
 * (which clients retry) rather than time out when the cart is slow.
 */
export const CART_CALL_POLICY: CallPolicyOptions = {
  maxAttempts: 3,
  marginMs: 4_000,
  breaker: { counts: 'call', after: 5 },
};

export const createCheckoutViewReader = (
  functionName: string,
  policy: CallPolicyOptions = CART_CALL_POLICY,
) =>
  new LambdaCheckoutViewReader(
    createInternalFunctionClient({ contract: CheckoutView, functionName, policy }),
  );

export const createSagaStarter = (arns: { checkout: string; cancel: string; settle?: string }) =>
  new SfnSagaStarter({
    client: new SFNClient({}),
    checkoutStateMachineArn: arns.checkout,
    cancelStateMachineArn: arns.cancel,
    ...(arns.settle ? { settleStateMachineArn: arns.settle } : {}),
  });

/** The HTTP function's dependencies, and checkout made idempotent by its `Idempotency-Key`. */
export const createHttpDeps = (
  env: HttpConfig,
  options: { readonly client?: DynamoDBClient } = {},
): CheckoutDeps & { readonly checkout: IdempotentCheckout } => {
  const deps: CheckoutDeps = {
    ...createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }),
    cartView: createCheckoutViewReader(env.cartCheckoutViewFunctionName),
    sagas: createSagaStarter({ checkout: env.checkoutStateMachineArn, cancel: env.cancelStateMachineArn }),
  };
  return {
    ...deps,
    checkout: createIdempotentCheckout((command: CheckoutCommand) => checkout(deps, command), {
      tableName: env.TABLE_NAME,
      ...(options.client ? { client: options.client } : {}),
    }),
  };
};

/** The saga tasks of a function instance, built from the environment (once, at cold start). */
export const createTasksFromEnv = () => {
  const env = taskEnv();
  return createOrderTasks(createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }));
};

/** The orders alone, built from the environment: what the internal `orderView` and `orderStatuses` read. */
export const createOrderDepsFromEnv = (): OrderDeps => {
  const env = taskEnv();
  return createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME });
};

/** The `payment.refunded` consumer's dependencies. */
export const createConsumerDepsFromEnv = () => {
  const env = taskEnv();
  return { env, deps: createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }) };
};

/** The reconciler's dependencies: the orders and the three sagas it supervises. */
export const createReconcileDepsFromEnv = (): ReconcileDeps => {
  const env = reconcileEnv();
  return {
    ...createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }),
    sagas: createSagaStarter({
      checkout: env.CHECKOUT_STATE_MACHINE_ARN,
      cancel: env.CANCEL_STATE_MACHINE_ARN,
      settle: env.SETTLE_STATE_MACHINE_ARN,
    }),
    reconcileAfterSeconds: env.RECONCILE_AFTER_SECONDS,
  };
};
