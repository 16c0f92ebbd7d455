/**
 * Test support: what a function prints while `run` runs, as the JSON records Lambda would send to
 * CloudWatch Logs: Powertools log lines and EMF metric records, parsed, in order.
 */
export interface CapturedOutput<T> {
  readonly result: T;
  /** Every log line (records with a `level`). */
  readonly logs: Record<string, unknown>[];
  /** Every EMF record (records with `_aws.CloudWatchMetrics`). */
  readonly emf: EmfRecord[];
}

export interface EmfRecord extends Record<string, unknown> {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
}

/** One metric value found in EMF records: its name, unit, value and dimensions. */
export interface MetricValue {
  readonly name: string;
  readonly unit: string;
  readonly value: unknown;
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly namespace: string;
}

const isEmf = (record: Record<string, unknown>): record is EmfRecord =>
  typeof record._aws === 'object' && record._aws !== null && 'CloudWatchMetrics' in record._aws;

/** The metric values of EMF records, flattened. */
export const metricValuesOf = (records: readonly EmfRecord[]): MetricValue[] =>
  records.flatMap((record) =>
    record._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.map((metric) => ({
        name: metric.Name,
        unit: metric.Unit,
        value: record[metric.Name],
        namespace: directive.Namespace,
        dimensions: Object.fromEntries(
          (directive.Dimensions[0] ?? []).map((dimension) => [dimension, record[dimension]]),
        ),
      })),
    ),
  );

/**
 * Captures stdout and stderr (where the Powertools logger and metrics write, as in Lambda) while
 * `run` runs; the output is not printed.
 */
export const captureOutput = async <T>(run: () => Promise<T> | T): Promise<CapturedOutput<T>> => {
  const chunks: string[] = [];
  // Powertools writes WARN and ERROR lines to stderr, the rest and EMF to stdout: both, in order.
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  let result: T;
  try {
    result = await run();
  } finally {
    streams.forEach((stream, index) => {
      const write = writes[index];
      if (write) stream.write = write;
    });
  }
  const records: Record<string, unknown>[] = [];
  for (const line of chunks.join('').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a JSON record (a library's plain output): not what these tests read.
    }
  }
  return {
    result,
    logs: records.filter((record) => typeof record.level === 'string'),
    emf: records.filter(isEmf),
  };
};
