export { getTracer, traceClient, traced, traceHeader } from './tracer.ts';
