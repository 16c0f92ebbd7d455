import { AsyncLocalStorage } from 'node:async_hooks';
import { CORRELATION_ID_MEMBER } from '@shop/contracts/internal';

/** What an outgoing call needs to know about the invocation it is made in. */
export interface Invocation {
  /** The Lambda context's `getRemainingTimeInMillis`: what is left before this function times out. */
  readonly remainingTimeMs?: () => number;
  /** The shopper request's correlation id, carried into every call and event it causes. */
  readonly correlationId?: string;
}

/** The part of the Lambda context the scope reads. */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
}

const storage = new AsyncLocalStorage<Invocation>();

/** The invocation the current code runs in, if a handler wrapper opened one. */
export const currentInvocation = (): Invocation | undefined => storage.getStore();

export const runInInvocation = <T>(invocation: Invocation, run: () => T): T => storage.run(invocation, run);

/** What a correlation id may look like: what the gateway's request ids and common trace ids are made of. */
const SAFE_ID = /^[A-Za-z0-9._:@=-]{1,128}$/;

/** Whether a caller's correlation id is safe to carry on (logs, payloads, message attributes). */
export const isCorrelationId = (value: unknown): value is string =>
  typeof value === 'string' && SAFE_ID.test(value);

/**
 * The correlation id an event carries: an invoke or saga payload's `correlationId`, an HTTP API
 * request's `x-correlation-id` header, else the gateway's request id.
 */
export const correlationIdOf = (event: unknown): string | undefined => {
  if (typeof event !== 'object' || event === null) return undefined;
  const record = event as Record<string, unknown>;
  const own = record[CORRELATION_ID_MEMBER];
  if (isCorrelationId(own)) return own;
  const headers = record.headers as Record<string, unknown> | undefined;
  const header = headers?.['x-correlation-id'];
  if (isCorrelationId(header)) return header;
  const requestId = (record.requestContext as { requestId?: unknown } | undefined)?.requestId;
  return typeof requestId === 'string' ? requestId : undefined;
};

const scopeOf = (event: unknown, context: InvocationContext | undefined): Invocation => {
  const correlationId = correlationIdOf(event);
  const remaining = context?.getRemainingTimeInMillis;
  return {
    ...(remaining ? { remainingTimeMs: () => remaining.call(context) } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
};

/**
 * Opens an invocation scope around a Lambda handler, so that the internal-function client can budget
 * from the remaining time and carry the correlation id without every layer passing them along.
 *
 * @example
 * export const handler = withInvocation(handle(app));
 */
export const withInvocation =
  <TEvent, TContext extends InvocationContext | undefined, TResult>(
    handler: (event: TEvent, context: TContext) => TResult,
  ) =>
  (event: TEvent, context: TContext): TResult =>
    storage.run(scopeOf(event, context), () => handler(event, context));
