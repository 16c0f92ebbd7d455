export { CORRELATION_HEADER, CORRELATION_ID_KEY, getLogger, ORDER_ID_KEY, orderIdOf } from './logger.ts';
export {
  type MetricDefinition,
  RECONCILED_ACTIONS,
  SHOP_METRICS,
  type ShopMetric,
} from './metric-catalogue.ts';
export { flushMetrics, getMetrics, METRICS_NAMESPACE, recordMetric, setMetricsMetadata } from './metrics.ts';
