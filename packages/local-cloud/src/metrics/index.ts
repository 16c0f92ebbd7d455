export type { MetricSummary } from './emf.collector.ts';
export { EmfCollector, MAX_SERIES, SAMPLES_PER_SERIES } from './emf.collector.ts';
export { createMetricsApi, METRICS_PATH } from './metrics.api.ts';
