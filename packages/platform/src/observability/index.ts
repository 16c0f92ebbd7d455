export {
  CORRELATION_HEADER,
  flushMetrics,
  getLogger,
  getMetrics,
  METRICS_NAMESPACE,
} from './observability.ts';
