import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'Shop';

const serviceName = (): string =>
  process.env.SERVICE_NAME ??
  process.env.POWERTOOLS_SERVICE_NAME ??
  process.env.AWS_LAMBDA_FUNCTION_NAME ??
  'shop';

/**
 * One Powertools logger per function (module scope, created on first use): JSON lines with the
 * service, the Lambda context and the correlation id of the current request or message.
 */
let sharedLogger: Logger | undefined;
export const getLogger = (): Logger => {
  sharedLogger ??= new Logger({
    serviceName: serviceName(),
    logLevel: (process.env.LOG_LEVEL ?? 'INFO') as LogLevel,
  });
  return sharedLogger;
};

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

export const CORRELATION_HEADER = 'x-correlation-id';
