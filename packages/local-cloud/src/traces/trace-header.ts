import { randomBytes } from 'node:crypto';

/** Where a hop continues a trace: its trace and the span that started it. */
export interface TraceParent {
  /** 32 hex digits (an X-Ray root without its `1-` and dash, an OTLP trace id). */
  readonly traceId: string;
  /** 16 hex digits: the span that made the call. */
  readonly spanId: string;
}

/** Random bytes drawn in blocks: one `randomBytes` call per 512 ids instead of one per id. */
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let poolAt = 0;
const randomHex = (bytes: number): string => {
  if (poolAt + bytes > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
};

export const newTraceId = (): string => {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${epoch}${randomHex(12)}`;
};

export const newSpanId = (): string => randomHex(8);

const ROOT = /(?:^|;)\s*Root=1-([0-9a-f]{8})-([0-9a-f]{24})/i;
const PARENT = /(?:^|;)\s*Parent=([0-9a-f]{16})/i;

/**
 * Reads an X-Ray trace header (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=1`), the form Lambda
 * puts in `_X_AMZN_TRACE_ID`, the SDK sends as `X-Amzn-Trace-Id` and SQS keeps as `AWSTraceHeader`.
 */
export const parseTraceHeader = (header: string | undefined): TraceParent | undefined => {
  if (!header) return undefined;
  const root = ROOT.exec(header);
  const parent = PARENT.exec(header);
  if (!root?.[1] || !root[2] || !parent?.[1]) return undefined;
  return { traceId: `${root[1]}${root[2]}`.toLowerCase(), spanId: parent[1].toLowerCase() };
};

/** The X-Ray trace header that continues `parent`'s trace under its span. */
export const formatTraceHeader = (parent: TraceParent): string =>
  `Root=1-${parent.traceId.slice(0, 8)}-${parent.traceId.slice(8)};Parent=${parent.spanId};Sampled=1`;

/** The `X-Amzn-Trace-Id` header of a request to the edge, if it has one. */
export const traceHeaderOf = (request: { readonly headers: Readonly<Record<string, unknown>> }) => {
  const value = request.headers['x-amzn-trace-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
