import { OrderStatusReason } from '@shop/contracts/order';
import {
  METRICS_NAMESPACE,
  type MetricDefinition,
  RECONCILED_ACTIONS,
  SHOP_METRICS,
} from '@shop/platform/observability';
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { CfnGroup } from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage.config.ts';
import type { DeadLetterQueue } from './dead-letter-queue.construct.ts';
import type { SagaStateMachine } from './saga-state-machine.construct.ts';
import type { ServiceFunction } from './service-function.construct.ts';

/** The reasons an order is rejected (the others of `OrderStatusReason` are cancellations). */
export const REJECTION_REASONS = OrderStatusReason.options.filter(
  (reason) => !reason.startsWith('CANCELLED'),
);

/** Thresholds of the business alarms, with the reasoning in each alarm's description. */
export const OBSERVABILITY_THRESHOLDS = {
  /** Percent of placed orders rejected over 15 minutes. */
  rejectionRatePercent: 25,
  /** Percent of placed orders whose payment was declined over 15 minutes. */
  declineRatePercent: 30,
  /** p99 of the outbox relay lag, milliseconds. */
  relayLagP99Ms: 30_000,
  /** p99 of placed -> settled, milliseconds. */
  sagaDurationP99Ms: 60_000,
  /** Orders placed in 15 minutes with none confirmed before the saga is considered stuck. */
  placedWithoutConfirmation: 5,
} as const;

const FIVE_MINUTES = Duration.minutes(5);

export interface ShopObservabilityProps {
  readonly stage: StageConfig;
  /** Every service's name: the `service` dimension of their metrics. */
  readonly services: readonly string[];
  /** Services with an outbox relay: they record `OutboxRelayLag`. */
  readonly relayServices: readonly string[];
  /** Services with an SQS consumer: they record `ConsumerRetries` and `PartialBatchFailures`. */
  readonly consumerServices: readonly string[];
  readonly functions: readonly ServiceFunction[];
  readonly stateMachines: readonly SagaStateMachine[];
  readonly deadLetterQueues: readonly DeadLetterQueue[];
}

/**
 * How a stage is watched: one CloudWatch dashboard (orders by status, saga outcomes and duration,
 * errors and p99 per function, DLQ depth, relay lag), X-Ray groups (the shop's traces, its faults,
 * slow checkouts) and alarms on the business metrics of `SHOP_METRICS`, each saying in its
 * description why it exists and what to look at first.
 */
export class ShopObservability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: readonly Alarm[];
  readonly xrayGroups: readonly CfnGroup[];

  constructor(scope: Construct, id: string, props: ShopObservabilityProps) {
    super(scope, id);
    const { stage } = props;
    const prefix = `${stage.name}-shop`;

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${prefix}-operations`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Shop (${stage.name})\nOrders, sagas, functions, queues and the outbox. Follow one order with the Logs Insights queries of docs/observability.md (by \`correlationId\` or \`orderId\`) and the X-Ray group \`${prefix}\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Orders by status (per 5 minutes)',
        left: [
          shopMetric(SHOP_METRICS.ordersPlaced, 'Sum', 'placed'),
          shopMetric(SHOP_METRICS.ordersConfirmed, 'Sum', 'confirmed'),
          rejectedSum('rejected'),
          shopMetric(SHOP_METRICS.ordersCancelled, 'Sum', 'cancelled'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Rejections by reason',
        left: REJECTION_REASONS.map((reason) =>
          shopMetric(SHOP_METRICS.ordersRejected, 'Sum', reason, { reason }),
        ),
        width: 6,
      }),
      new GraphWidget({
        title: 'Orders the reconciler acted on, by action',
        left: RECONCILED_ACTIONS.map((action) =>
          shopMetric(SHOP_METRICS.ordersReconciled, 'Sum', action, { action }),
        ),
        width: 6,
      }),
      new SingleValueWidget({
        title: 'Revenue captured (minor units) and declines',
        metrics: [
          shopMetric(SHOP_METRICS.revenueCaptured, 'Sum', 'USD captured', { currency: 'USD' }),
          shopMetric(SHOP_METRICS.paymentsDeclined, 'Sum', 'payments declined'),
        ],
        width: 6,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Saga outcomes',
        left: props.stateMachines.flatMap((saga) => [
          sagaMetric(saga, 'ExecutionsSucceeded'),
          sagaMetric(saga, 'ExecutionsFailed'),
          sagaMetric(saga, 'ExecutionsTimedOut'),
        ]),
        width: 8,
      }),
      new GraphWidget({
        title: 'Saga duration, placed -> settled (ms)',
        left: (['confirmed', 'rejected'] as const).flatMap((outcome) => [
          shopMetric(SHOP_METRICS.sagaDuration, 'p50', `${outcome} p50`, { outcome }),
          shopMetric(SHOP_METRICS.sagaDuration, 'p99', `${outcome} p99`, { outcome }),
        ]),
        width: 8,
      }),
      new GraphWidget({
        title: 'Checkout latency in the order function (ms)',
        left: [
          shopMetric(SHOP_METRICS.checkoutLatency, 'p50', 'p50'),
          shopMetric(SHOP_METRICS.checkoutLatency, 'p99', 'p99'),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Errors per function',
        left: props.functions.map((fn) =>
          fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: fn.functionName }),
        ),
        width: 12,
        height: 8,
      }),
      new GraphWidget({
        title: 'p99 duration per function (ms)',
        left: props.functions.map((fn) =>
          fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: fn.functionName }),
        ),
        width: 12,
        height: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Dead-letter queue depth',
        left: props.deadLetterQueues.map((dlq) =>
          dlq.queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label: dlq.queue.queueName,
          }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Outbox relay lag, written -> relayed (ms)',
        left: props.relayServices.flatMap((service) => [
          shopMetric(SHOP_METRICS.outboxRelayLag, 'p50', `${service} p50`, {}, service),
          shopMetric(SHOP_METRICS.outboxRelayLag, 'p99', `${service} p99`, {}, service),
        ]),
        width: 8,
      }),
      new GraphWidget({
        title: 'Consumer retries and partial batch failures',
        left: props.consumerServices.flatMap((service) => [
          shopMetric(SHOP_METRICS.consumerRetries, 'Sum', `${service} retries`, {}, service),
          shopMetric(SHOP_METRICS.partialBatchFailures, 'Sum', `${service} failed records`, {}, service),
        ]),
        width: 8,
      }),
    );

    this.alarms = [...this.businessAlarms(prefix), ...this.technicalAlarms(prefix, props)];

    const serviceFilter = props.services.map((service) => `annotation.Service = "${service}"`).join(' OR ');
    this.xrayGroups = [
      new CfnGroup(this, 'ShopTraces', {
        groupName: prefix,
        filterExpression: serviceFilter,
        insightsConfiguration: { insightsEnabled: true, notificationsEnabled: false },
      }),
      new CfnGroup(this, 'ShopFaults', {
        groupName: `${prefix}-faults`,
        filterExpression: `(${serviceFilter}) AND (fault = true OR error = true)`,
        insightsConfiguration: { insightsEnabled: true, notificationsEnabled: false },
      }),
      new CfnGroup(this, 'SlowCheckouts', {
        groupName: `${prefix}-slow-checkouts`,
        filterExpression: `annotation.Service = "order" AND http.url CONTAINS "/checkout" AND responsetime > 1`,
        insightsConfiguration: { insightsEnabled: false, notificationsEnabled: false },
      }),
    ];
  }

  private businessAlarms(prefix: string): Alarm[] {
    const window = Duration.minutes(15);
    const placed = shopMetric(SHOP_METRICS.ordersPlaced, 'Sum', 'placed').with({ period: window });
    const rejectionRate = new MathExpression({
      expression: `IF(placed > 0, 100 * (${REJECTION_REASONS.map((_, i) => `r${i}`).join(' + ')}) / placed, 0)`,
      usingMetrics: {
        placed,
        ...Object.fromEntries(
          REJECTION_REASONS.map((reason, i) => [
            `r${i}`,
            shopMetric(SHOP_METRICS.ordersRejected, 'Sum', reason, { reason }).with({ period: window }),
          ]),
        ),
      },
      period: window,
      label: 'rejected (% of placed)',
    });
    const declineRate = new MathExpression({
      expression: 'IF(placed > 0, 100 * declined / placed, 0)',
      usingMetrics: {
        placed,
        declined: shopMetric(SHOP_METRICS.paymentsDeclined, 'Sum', 'declined').with({ period: window }),
      },
      period: window,
      label: 'declined (% of placed)',
    });
    const stuck = new MathExpression({
      expression: `IF(placed >= ${OBSERVABILITY_THRESHOLDS.placedWithoutConfirmation} AND confirmed == 0, 1, 0)`,
      usingMetrics: {
        placed,
        confirmed: shopMetric(SHOP_METRICS.ordersConfirmed, 'Sum', 'confirmed').with({ period: window }),
      },
      period: window,
      label: 'placed but none confirmed',
    });
    const t = OBSERVABILITY_THRESHOLDS;
    return [
      this.alarmAbove('RejectionRateAlarm', {
        alarmName: `${prefix}-order-rejection-rate`,
        alarmDescription: `More than ${t.rejectionRatePercent}% of the orders placed in 15 minutes were rejected (OrdersRejected over OrdersPlaced). Shoppers are losing orders: look at the "Rejections by reason" widget. OUT_OF_STOCK points at inventory, PAYMENT_DECLINED at the provider or card testing, CHECKOUT_FAILED and PAYMENT_FAILED at a failing dependency (the faults X-Ray group).`,
        metric: rejectionRate,
        threshold: t.rejectionRatePercent,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
      }),
      this.alarmAbove('CheckoutFailedAlarm', {
        alarmName: `${prefix}-checkout-failed`,
        alarmDescription:
          'An order was rejected as CHECKOUT_FAILED: a saga task kept failing with transient errors after every retry and the saga compensated. This is never the shopper\'s doing: find the order\'s "task" lines with outcome failed (Logs Insights by orderId) and its trace.',
        metric: shopMetric(SHOP_METRICS.ordersRejected, 'Sum', 'CHECKOUT_FAILED', {
          reason: 'CHECKOUT_FAILED',
        }).with({ period: FIVE_MINUTES }),
        threshold: 0,
      }),
      this.alarmAbove('OrderNeedsOperatorAlarm', {
        alarmName: `${prefix}-order-needs-operator`,
        alarmDescription:
          'The order reconciler found an order it cannot settle by itself: Step Functions refused to redrive its saga, or a saga succeeded and left it PENDING or CANCELLING. Nothing retries it: the reconciler\'s error line (Logs Insights: message "saga execution cannot be redriven", by orderId) names the order and the saga; docs/failure-modes.md says what to do.',
        metric: shopMetric(SHOP_METRICS.ordersReconciled, 'Sum', 'needs-operator', {
          action: 'needs-operator',
        }).with({ period: FIVE_MINUTES }),
        threshold: 0,
      }),
      this.alarmAbove('DeclineRateAlarm', {
        alarmName: `${prefix}-payment-decline-rate`,
        alarmDescription: `More than ${t.declineRatePercent}% of the orders placed in 15 minutes had their payment declined (PaymentsDeclined over OrdersPlaced). A provider outage answering declines, a misconfigured merchant account, or card testing by a fraudster: check the provider's status and the decline codes in the payment service's logs.`,
        metric: declineRate,
        threshold: t.declineRatePercent,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
      }),
      this.alarmAbove('NoConfirmationsAlarm', {
        alarmName: `${prefix}-orders-not-confirming`,
        alarmDescription: `${t.placedWithoutConfirmation} or more orders were placed in 15 minutes and none was confirmed: the checkout saga is not running or not finishing (state machine failing, a task's permissions, a stuck dependency). Orders stay PENDING until it recovers; the saga outcome widget and the faults X-Ray group show where.`,
        metric: stuck,
        threshold: 0,
      }),
      this.alarmAbove('SagaDurationAlarm', {
        alarmName: `${prefix}-saga-duration`,
        alarmDescription: `The p99 time from an order being placed to it being confirmed is above ${t.sagaDurationP99Ms / 1000} s: shoppers wait long for their confirmation. Usually retries with backoff on a slow or throttled dependency (DynamoDB, the payment provider); the order's trace shows which task.`,
        metric: shopMetric(SHOP_METRICS.sagaDuration, 'p99', 'p99', { outcome: 'confirmed' }).with({
          period: FIVE_MINUTES,
        }),
        threshold: t.sagaDurationP99Ms,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
    ];
  }

  private technicalAlarms(prefix: string, props: ShopObservabilityProps): Alarm[] {
    const t = OBSERVABILITY_THRESHOLDS;
    return [
      ...props.relayServices.map((service) =>
        this.alarmAbove(`${pascalOf(service)}RelayLagAlarm`, {
          alarmName: `${prefix}-${service}-outbox-relay-lag`,
          alarmDescription: `The p99 time from a ${service} event being written to the outbox to it reaching its subscribers' queues is above ${t.relayLagP99Ms / 1000} s: downstream services act late (carts not emptied, stock not committed). The table stream's iterator age and the relay's errors tell whether the relay is failing or throttled by SQS.`,
          metric: shopMetric(SHOP_METRICS.outboxRelayLag, 'p99', 'p99', {}, service).with({
            period: FIVE_MINUTES,
          }),
          threshold: t.relayLagP99Ms,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
        }),
      ),
      ...props.consumerServices.map((service) =>
        this.alarmAbove(`${pascalOf(service)}PartialBatchFailuresAlarm`, {
          alarmName: `${prefix}-${service}-consumer-failures`,
          alarmDescription: `${service}'s consumers reported failed messages in three 5-minute periods in a row: events are being redelivered and, after the queue's maxReceiveCount, land in its DLQ. Look for "event" lines with outcome failed (their errorName) and for poison messages.`,
          metric: shopMetric(SHOP_METRICS.partialBatchFailures, 'Sum', 'failed records', {}, service).with({
            period: FIVE_MINUTES,
          }),
          threshold: 0,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
        }),
      ),
    ];
  }
  /**
   * An alarm when the metric is above the threshold in `datapointsToAlarm` of the last
   * `evaluationPeriods` periods (one by default); a period without data is not breaching.
   */
  private alarmAbove(
    id: string,
    props: Pick<AlarmProps, 'alarmName' | 'alarmDescription' | 'metric' | 'threshold'> &
      Partial<Pick<AlarmProps, 'evaluationPeriods' | 'datapointsToAlarm'>>,
  ): Alarm {
    return new Alarm(this, id, {
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      evaluationPeriods: 1,
      ...props,
    });
  }
}

const pascalOf = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/** A catalogue metric as CloudWatch stores it: namespace `Shop`, dimension `service` (and its own). */
const shopMetric = (
  definition: MetricDefinition<string>,
  statistic: string,
  label: string,
  dimensions: Readonly<Record<string, string>> = {},
  service = definition.recordedBy,
): Metric => {
  if (!service) throw new Error(`${definition.name}: which service records it?`);
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: definition.name,
    dimensionsMap: { service, ...dimensions },
    statistic,
    label,
    period: FIVE_MINUTES,
  });
};

/** Every rejection, whatever its reason (one series per reason in CloudWatch). */
const rejectedSum = (label: string): IMetric =>
  new MathExpression({
    expression: REJECTION_REASONS.map((_, i) => `r${i}`).join(' + '),
    usingMetrics: Object.fromEntries(
      REJECTION_REASONS.map((reason, i) => [
        `r${i}`,
        shopMetric(SHOP_METRICS.ordersRejected, 'Sum', reason, { reason }),
      ]),
    ),
    period: FIVE_MINUTES,
    label,
  });

const sagaMetric = (saga: SagaStateMachine, metricName: string): Metric =>
  saga.stateMachine.metric(metricName, {
    period: FIVE_MINUTES,
    statistic: 'Sum',
    label: `${saga.stateMachineName} ${metricName.replace('Executions', '').toLowerCase()}`,
  });
