export { ExecutionTracer } from './execution.tracer.ts';
export type { ActiveSpan, SpanKind, SpanRecord, SpanStatus } from './span.recorder.ts';
export { idsInText, SpanRecorder } from './span.recorder.ts';
export type { TraceSpan } from './trace.query.ts';
export { formatTraceTree, toOtlpJson, traceOf } from './trace.query.ts';
export { formatTraceHeader, parseTraceHeader } from './trace-header.ts';
export { createTracesApi } from './traces.api.ts';
export { WriteLinks } from './write-links.ts';
