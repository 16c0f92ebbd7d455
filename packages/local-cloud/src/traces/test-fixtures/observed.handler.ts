import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

const metrics = new Metrics({ namespace: 'Shop', serviceName: 'order' });

interface ObservedEvent {
  readonly orderId?: string;
  readonly amount?: number;
  readonly durationMs?: number;
  readonly fail?: boolean;
  /** Printed as a Powertools-shaped log line rather than passed in the payload. */
  readonly logCorrelationId?: string;
}

/** Emits EMF through the real Powertools Metrics, and logs the ids it was given, as services do. */
export const handler = async (event: ObservedEvent) => {
  if (event.logCorrelationId) {
    console.log(
      JSON.stringify({ level: 'INFO', message: 'observed', correlationId: event.logCorrelationId }),
    );
  }
  metrics.addDimension('reason', event.fail ? 'FAILED' : 'CONFIRMED');
  metrics.addMetric('ordersSettled', MetricUnit.Count, 1);
  if (event.amount !== undefined) metrics.addMetric('revenueCaptured', MetricUnit.Count, event.amount);
  if (event.durationMs !== undefined)
    metrics.addMetric('sagaDuration', MetricUnit.Milliseconds, event.durationMs);
  metrics.publishStoredMetrics();
  if (event.fail) throw new Error('observed failure');
  return { ok: true, traceHeader: process.env._X_AMZN_TRACE_ID };
};
