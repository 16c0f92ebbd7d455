import { Metrics } from '@aws-lambda-powertools/metrics';
import { serviceName } from './logger.ts';
import type { MetricDefinition } from './metric-catalogue.ts';

export const METRICS_NAMESPACE = 'Shop';

/** One Powertools metrics buffer per function, flushed as CloudWatch EMF by the handler wrappers. */
let sharedMetrics: Metrics | undefined;
export const getMetrics = (): Metrics => {
  sharedMetrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: serviceName() });
  return sharedMetrics;
};

/**
 * A second buffer, reused, for the values with dimensions of their own: each is published on an EMF
 * line of its own (Powertools' `singleMetric()` would build a new `Metrics`, environment reads and
 * all, for every value).
 */
let dimensionedMetrics: Metrics | undefined;
const getDimensionedMetrics = (): Metrics => {
  dimensionedMetrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: serviceName() });
  return dimensionedMetrics;
};

interface DimensionedValue {
  readonly definition: MetricDefinition<string>;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Values with dimensions of their own: each needs an EMF record of its own, written at the flush. */
let dimensioned: DimensionedValue[] = [];
let metadata: Record<string, string> = {};

/**
 * Records one value of a catalogue metric (`SHOP_METRICS`) in the invocation's buffer; the handler
 * wrapper (HTTP app, saga task, internal function, consumer, relay) flushes it once, at the end of
 * the invocation, as CloudWatch EMF on stdout.
 *
 * @example
 * recordMetric(SHOP_METRICS.ordersRejected, 1, { reason: 'OUT_OF_STOCK' });
 */
export const recordMetric = <TDimension extends string>(
  definition: MetricDefinition<TDimension>,
  value: number,
  ...[dimensions]: [TDimension] extends [never] ? [] : [Readonly<Record<TDimension, string>>]
): void => {
  if (!Number.isFinite(value)) return;
  if (dimensions && Object.keys(dimensions).length > 0) {
    dimensioned.push({ definition: definition as MetricDefinition<string>, value, dimensions });
    return;
  }
  getMetrics().addMetric(definition.name, definition.unit, value);
};

/**
 * Ids that go with the invocation's metrics (the EMF record's properties, not dimensions: they would
 * make one CloudWatch series per order): `correlationId` and `orderId`, so a metric line is found by
 * the same Logs Insights query as the log lines.
 */
export const setMetricsMetadata = (values: Readonly<Record<string, string | undefined>>): void => {
  for (const [key, value] of Object.entries(values)) if (value !== undefined) metadata[key] = value;
};

/** Publishes the invocation's metrics, if any (an empty flush would only print a warning). */
export const flushMetrics = (): void => {
  const pending = dimensioned;
  const extra = metadata;
  dimensioned = [];
  metadata = {};
  const metrics = sharedMetrics;
  if (metrics?.hasStoredMetrics()) {
    for (const [key, value] of Object.entries(extra)) metrics.addMetadata(key, value);
    metrics.publishStoredMetrics();
  }
  if (pending.length === 0) return;
  const single = getDimensionedMetrics();
  for (const { definition, value, dimensions } of pending) {
    for (const [name, dimension] of Object.entries(dimensions)) single.addDimension(name, dimension);
    for (const [key, data] of Object.entries(extra)) single.addMetadata(key, data);
    single.addMetric(definition.name, definition.unit, value);
    // Publishing clears the value, its dimensions and the metadata: the next value starts clean.
    single.publishStoredMetrics();
  }
};
