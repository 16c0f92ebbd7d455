import { Metrics } from '@aws-lambda-powertools/metrics';
import { serviceName } from './logger.ts';

export const METRICS_NAMESPACE = 'Shop';

/** One Powertools metrics buffer per function, flushed as CloudWatch EMF by the handler wrappers. */
let sharedMetrics: Metrics | undefined;
export const getMetrics = (): Metrics => {
  sharedMetrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: serviceName() });
  return sharedMetrics;
};

/** Publishes stored metrics, if any: an empty flush would only print a warning. */
export const flushMetrics = (): void => {
  const metrics = sharedMetrics;
  if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
};
