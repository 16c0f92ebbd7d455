import type { EdgeRequest } from '../edge/edge.types.ts';
import type { ActiveSpan, SpanRecorder } from './span.recorder.ts';
import { traceHeaderOf } from './trace-header.ts';
import type { WriteLinks } from './write-links.ts';

const TARGET_SERVICES: readonly (readonly [RegExp, string])[] = [
  [/^DynamoDB_20120810\.(\w+)$/, 'DynamoDB'],
  [/^DynamoDBStreams_20120810\.(\w+)$/, 'DynamoDBStreams'],
  [/^AmazonSQS\.(\w+)$/, 'SQS'],
  [/^AWSStepFunctions\.(\w+)$/, 'StepFunctions'],
  [/^AWSSecurityTokenServiceV20110615\.(\w+)$/, 'STS'],
];
const DYNAMODB_WRITE = /^DynamoDB\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)$/;
const LAMBDA_INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** `SQS.SendMessage`, `DynamoDB.TransactWriteItems`, `Lambda.Invoke catalog-sku-lookup`, ... */
export const apiCallNameOf = (request: EdgeRequest): string | undefined => {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    for (const [pattern, service] of TARGET_SERVICES) {
      const action = pattern.exec(target)?.[1];
      if (action) return `${service}.${action}`;
    }
    return target;
  }
  const invoke = LAMBDA_INVOKE.exec(request.url.pathname);
  if (invoke?.[1])
    return `Lambda.Invoke ${decodeURIComponent(invoke[1]).replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '')}`;
  return undefined;
};

const queueOf = (body: Record<string, unknown>): string | undefined =>
  typeof body.QueueUrl === 'string' ? body.QueueUrl.split('/').pop() : undefined;

/** What an API call's span says about its target (queue, table, state machine). */
const targetAttributes = (name: string, body: Record<string, unknown>) => {
  const attributes: Record<string, string> = {};
  const queue = queueOf(body);
  if (queue) attributes.queue = queue;
  if (typeof body.TableName === 'string') attributes.table = body.TableName;
  if (typeof body.stateMachineArn === 'string')
    attributes.stateMachine = body.stateMachineArn.split(':').pop() ?? '';
  if (name.startsWith('StepFunctions.') && typeof body.name === 'string') attributes.execution = body.name;
  return attributes;
};

export interface TracedEdgeCall {
  /** The request, its `X-Amzn-Trace-Id` now naming this call's span, so what it starts is a child. */
  readonly request: EdgeRequest;
  readonly span: ActiveSpan;
  /** Ends the span with the response's status and, for an error, its AWS error type. */
  end(status: number, errorType?: string): void;
}

/**
 * A span for an AWS API call a function makes through the edge: only calls that carry an
 * `X-Amzn-Trace-Id` (the SDK sends Lambda's `_X_AMZN_TRACE_ID`), so the console's and the CLI's own
 * reads do not crowd the functions' spans out of the ring. DynamoDB writes are remembered by item
 * key, so the stream record they cause can name them as its parent.
 */
export const traceEdgeCall = (
  recorder: SpanRecorder,
  request: EdgeRequest,
  writes?: WriteLinks,
): TracedEdgeCall | undefined => {
  const header = traceHeaderOf(request);
  if (!header) return undefined;
  const name = apiCallNameOf(request);
  if (!name) return undefined;
  let body: Record<string, unknown> = {};
  if (
    request.headers['content-type']?.includes('json') &&
    request.body.length > 0 &&
    request.body.length < 262_144
  ) {
    try {
      const parsed: unknown = JSON.parse(request.body.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        body = parsed as Record<string, unknown>;
    } catch {
      // The handler answers the malformed body; the span only misses its target.
    }
  }
  const span = recorder.startUnder(header, {
    name,
    kind: 'api-call',
    attributes: targetAttributes(name, body),
  });
  if (DYNAMODB_WRITE.test(name)) writes?.noteWrites(body, span.record.id);
  return {
    request: { ...request, headers: { ...request.headers, 'x-amzn-trace-id': span.header } },
    span,
    end(status, errorType) {
      span.set({ httpStatus: status });
      span.end(status >= 400 ? { status: 'error', error: errorType ?? `HTTP ${status}` } : {});
    },
  };
};
