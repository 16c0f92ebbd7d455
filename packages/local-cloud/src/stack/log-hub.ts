/** One line the stack printed (a function's log line, the gateway's access log, the stack's own). */
export interface LogEntry {
  /** Increases by one per line: a reader asks for what came after the last it saw. */
  readonly seq: number;
  readonly at: string;
  /** The function that printed it (`order-http`), `gateway` for the access log, `stack` otherwise. */
  readonly source: string;
  readonly level?: string;
  readonly message: string;
  readonly orderId?: string;
  readonly correlationId?: string;
  /** The line as printed, without the `[function]` prefix. */
  readonly raw: string;
}

export interface LogQuery {
  readonly after?: number;
  readonly limit?: number;
  /** Lines about this order: its id anywhere in the line. */
  readonly orderId?: string;
  readonly correlationId?: string;
  readonly source?: string;
}

const FUNCTION_PREFIX = /^\[([a-z0-9-]+)\] (.*)$/s;

const stringField = (record: Record<string, unknown>, ...names: string[]): string | undefined => {
  for (const name of names) {
    const value = record[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
};

/** Reads what a line says about itself: JSON lines (Powertools, the access log) or plain text. */
export const parseLogLine = (line: string, seq: number, at = new Date()): LogEntry => {
  const prefixed = FUNCTION_PREFIX.exec(line);
  const source = prefixed?.[1] ?? 'stack';
  const raw = prefixed?.[2] ?? line;
  let record: Record<string, unknown> | undefined;
  if (raw.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        record = parsed as Record<string, unknown>;
      }
    } catch {
      // Plain text that happens to start with a brace.
    }
  }
  if (!record) return { seq, at: at.toISOString(), source, message: raw, raw };
  const isAccessLog = !prefixed && typeof record.routeKey === 'string' && typeof record.status === 'number';
  const message = isAccessLog
    ? `${String(record.httpMethod)} ${String(record.path)} ${String(record.status)} ${String(record.latencyMs)} ms`
    : (stringField(record, 'message', 'msg') ?? raw);
  const level = stringField(record, 'level');
  const orderId = stringField(record, 'orderId');
  const correlationId = stringField(record, 'correlationId');
  return {
    seq,
    at: stringField(record, 'timestamp') ?? at.toISOString(),
    source: isAccessLog ? 'gateway' : source,
    ...(level ? { level } : {}),
    message,
    ...(orderId ? { orderId } : {}),
    ...(correlationId ? { correlationId } : {}),
    raw,
  };
};

/**
 * The recent lines of a running stack, kept in a ring so that the console can tail them and filter
 * them by order or correlation id. Memory is bounded by `capacity` lines.
 */
export class LogHub {
  readonly #capacity: number;
  readonly #entries: LogEntry[] = [];
  #seq = 0;

  constructor(capacity = 5000) {
    this.#capacity = capacity;
  }

  push(line: string): LogEntry {
    this.#seq += 1;
    const entry = parseLogLine(line, this.#seq);
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
    return entry;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /** Lines after `after`, oldest first, that match every filter given; at most `limit` (the newest). */
  query(query: LogQuery = {}): LogEntry[] {
    const after = query.after ?? 0;
    const limit = query.limit ?? 200;
    const matches = this.#entries.filter(
      (entry) =>
        entry.seq > after &&
        (query.source === undefined || entry.source === query.source) &&
        (query.orderId === undefined ||
          entry.orderId === query.orderId ||
          entry.raw.includes(query.orderId)) &&
        (query.correlationId === undefined ||
          entry.correlationId === query.correlationId ||
          entry.raw.includes(query.correlationId)),
    );
    return matches.slice(-limit);
  }
}
