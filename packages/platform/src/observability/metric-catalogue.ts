import type { MetricUnit } from '@aws-lambda-powertools/metrics';

/** A metric of the catalogue: its CloudWatch name and unit, the dimensions it carries besides `service`. */
export interface MetricDefinition<TDimension extends string = never> {
  readonly name: string;
  readonly unit: (typeof MetricUnit)[keyof typeof MetricUnit];
  /** Dimensions beyond `service` (every metric has that one); each is a separate EMF record. */
  readonly dimensions: readonly TDimension[];
  /** What it counts, where it is recorded: the dashboard, the alarms and docs/observability.md read it. */
  readonly description: string;
  /**
   * The service that records it (its `service` dimension); absent for the platform's own metrics,
   * which every service with a relay or a consumer records under its own name.
   */
  readonly recordedBy?: string;
}

const metric = <const TDimension extends string = never>(
  definition: MetricDefinition<TDimension>,
): MetricDefinition<TDimension> => definition;

/** The `action` values of `OrdersReconciled`: what the order reconciler did to an order. */
export const RECONCILED_ACTIONS = ['restarted', 'settling', 'redriven', 'needs-operator', 'failed'] as const;

/**
 * Every metric Shop records, in namespace `Shop` with dimension `service`. One catalogue, read by
 * the services (to record), the CDK app (dashboard and alarms) and the docs, so that a name is
 * written once.
 */
export const SHOP_METRICS = {
  ordersPlaced: metric({
    name: 'OrdersPlaced',
    unit: 'Count',
    dimensions: [],
    description: 'a checkout accepted a new order (202); replays of the same Idempotency-Key do not count',
    recordedBy: 'order',
  }),
  ordersConfirmed: metric({
    name: 'OrdersConfirmed',
    unit: 'Count',
    dimensions: [],
    description: 'ConfirmOrder moved an order PENDING -> CONFIRMED',
    recordedBy: 'order',
  }),
  ordersRejected: metric({
    name: 'OrdersRejected',
    unit: 'Count',
    dimensions: ['reason'],
    description:
      'RejectOrder moved an order PENDING -> REJECTED; `reason` is its statusReason (OUT_OF_STOCK, PAYMENT_DECLINED, ...)',
    recordedBy: 'order',
  }),
  ordersCancelled: metric({
    name: 'OrdersCancelled',
    unit: 'Count',
    dimensions: [],
    description:
      'CancelOrder moved an order to CANCELLED (a shopper or admin cancellation, or a capture that never succeeded)',
    recordedBy: 'order',
  }),
  ordersReconciled: metric({
    name: 'OrdersReconciled',
    unit: 'Count',
    dimensions: ['action'],
    description:
      'the order reconciler acted on an order a saga had left unsettled; `action` restarted, settling, redriven, needs-operator or failed (orders whose saga was running, or that settled meanwhile, are not counted)',
    recordedBy: 'order',
  }),
  paymentsDeclined: metric({
    name: 'PaymentsDeclined',
    unit: 'Count',
    dimensions: [],
    description: 'AuthorizePayment was declined by the provider (the saga rejects the order)',
    recordedBy: 'payment',
  }),
  revenueCaptured: metric({
    name: 'RevenueCaptured',
    unit: 'None',
    dimensions: ['currency'],
    description: 'CapturePayment captured this amount, in minor units (cents), once per payment',
    recordedBy: 'payment',
  }),
  sagaDuration: metric({
    name: 'SagaDuration',
    unit: 'Milliseconds',
    dimensions: ['outcome'],
    description:
      'from the order being placed to it being settled (`outcome` confirmed or rejected), recorded by ConfirmOrder and RejectOrder',
    recordedBy: 'order',
  }),
  checkoutLatency: metric({
    name: 'CheckoutLatency',
    unit: 'Milliseconds',
    dimensions: [],
    description:
      'POST /checkout in the order HTTP function: the route handler (cart read, saga start, order write), any outcome',
    recordedBy: 'order',
  }),
  outboxRelayLag: metric({
    name: 'OutboxRelayLag',
    unit: 'Milliseconds',
    dimensions: [],
    description:
      'from an event being written to the outbox (its `time`) to the relay having sent it to every subscriber queue',
  }),
  consumerRetries: metric({
    name: 'ConsumerRetries',
    unit: 'Count',
    dimensions: [],
    description: 'SQS messages a consumer received again (ApproximateReceiveCount above 1)',
  }),
  partialBatchFailures: metric({
    name: 'PartialBatchFailures',
    unit: 'Count',
    dimensions: [],
    description:
      'messages a consumer reported failed in its batch response (SQS redelivers them, then the DLQ takes them)',
  }),
} as const;

export type ShopMetric = (typeof SHOP_METRICS)[keyof typeof SHOP_METRICS];
