export { CORRELATION_HEADER, getLogger } from './logger.ts';
export { flushMetrics, getMetrics, METRICS_NAMESPACE } from './metrics.ts';
