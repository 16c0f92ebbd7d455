import type { Tracer } from '@aws-lambda-powertools/tracer';
import { serviceName } from '../observability/logger.ts';

/**
 * Whether this function traces: in Lambda unless `POWERTOOLS_TRACE_ENABLED=false` (the CDK app sets
 * it to `true` beside X-Ray active tracing; the local runtime and the benchmarks set `false`).
 */
const tracingWanted =
  process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false' &&
  (process.env.AWS_EXECUTION_ENV ?? '').startsWith('AWS_Lambda_');

/**
 * One Powertools tracer per function, loaded only when the function traces: the X-Ray SDK turns on
 * Node's async hooks as it is imported (cls-hooked), which slows every promise of a warm request by
 * microseconds, and its import is cold-start time. Without tracing every call below is a no-op.
 */
const sharedTracer: Tracer | undefined = tracingWanted
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: serviceName() })
  : undefined;

/** The function's tracer, when it traces (see `tracingWanted`). */
export const getTracer = (): Tracer | undefined =>
  sharedTracer?.isTracingEnabled() ? sharedTracer : undefined;

/**
 * An AWS SDK v3 client whose calls are X-Ray subsegments, and whose requests carry the trace header
 * (`X-Amzn-Trace-Id`): Lambda Invoke continues the caller's trace in the callee, SQS keeps it as the
 * message's `AWSTraceHeader`, Step Functions as the execution's trace.
 *
 * @example
 * const sqs = traceClient(new SQSClient({}));
 */
export const traceClient = <T>(client: T): T => {
  const tracer = getTracer();
  return tracer ? tracer.captureAWSv3Client(client) : client;
};

/** The X-Ray trace header of the current invocation (Lambda sets `_X_AMZN_TRACE_ID`), when tracing. */
export const traceHeader = (): string | undefined => {
  if (!getTracer()) return undefined;
  const header = process.env._X_AMZN_TRACE_ID;
  return header && header.length > 0 ? header : undefined;
};

/**
 * Runs one invocation in a subsegment `## <name>` annotated with its ids (`correlationId`, `orderId`:
 * X-Ray filter expressions and groups select on annotations), the cold start and the service, and
 * records its error. Without tracing it only runs.
 */
export const traced = async <T>(
  name: string,
  annotations: Readonly<Record<string, string | undefined>>,
  run: () => Promise<T>,
): Promise<T> => {
  const tracer = getTracer();
  const parent = tracer?.getSegment();
  if (!tracer || !parent) return run();
  const subsegment = parent.addNewSubsegment(`## ${name}`);
  tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  for (const [key, value] of Object.entries(annotations)) {
    if (value !== undefined) tracer.putAnnotation(key, value);
  }
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error) tracer.addErrorAsMetadata(error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
};
