/** One metric series as `npm run local -- metrics --json` prints it. */
export interface MetricSummary {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Values recorded (an EMF array counts each of its values). */
  readonly count: number;
  readonly sum: number;
  /** Over the latest {@link SAMPLES_PER_SERIES} values. */
  readonly p50: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  /** The functions that emitted it. */
  readonly functions: readonly string[];
}

/** Values kept per series for its percentiles (a ring): memory stays bounded however long it runs. */
export const SAMPLES_PER_SERIES = 1024;
/** Series kept at most; beyond it a new series is not collected (and counted in `dropped`). */
export const MAX_SERIES = 2000;

interface Series {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly dimensions: Record<string, string>;
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly samples: number[];
  next: number;
  readonly functions: Set<string>;
}

interface EmfDirective {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

const FUNCTION_PREFIX = /^\[([a-z0-9-]+)\] /;

/**
 * Collects the CloudWatch embedded metric format (EMF) lines that functions print (what Powertools
 * Metrics writes to stdout and CloudWatch turns into metrics in AWS), per namespace, metric name,
 * unit and dimension values: count, sum, min, max and p50/p95 of the latest values.
 */
export class EmfCollector {
  readonly #series = new Map<string, Series>();
  #lines = 0;
  #dropped = 0;

  /** Reads one printed line (optionally `[function] `-prefixed); anything but an EMF document is ignored. */
  ingest(line: string): boolean {
    if (!line.includes('"_aws"')) return false;
    const prefix = FUNCTION_PREFIX.exec(line);
    const text = prefix ? line.slice(prefix[0].length) : line;
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return false;
    }
    if (!isRecord(document) || !isRecord(document._aws)) return false;
    const directives = document._aws.CloudWatchMetrics;
    if (!Array.isArray(directives)) return false;
    this.#lines += 1;
    const source =
      prefix?.[1] ?? (typeof document.function_name === 'string' ? document.function_name : 'unknown');
    for (const directive of directives as EmfDirective[]) {
      if (!isRecord(directive) || !Array.isArray(directive.Metrics)) continue;
      const namespace = typeof directive.Namespace === 'string' ? directive.Namespace : '';
      const dimensions: Record<string, string> = {};
      if (Array.isArray(directive.Dimensions)) {
        for (const set of directive.Dimensions) {
          if (!Array.isArray(set)) continue;
          for (const name of set) {
            const value = typeof name === 'string' ? document[name] : undefined;
            if (typeof name === 'string' && value !== undefined) dimensions[name] = String(value);
          }
        }
      }
      for (const metric of directive.Metrics) {
        if (!isRecord(metric) || typeof metric.Name !== 'string') continue;
        const raw = document[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter(
          (value): value is number => typeof value === 'number' && Number.isFinite(value),
        );
        if (values.length === 0) continue;
        const unit = typeof metric.Unit === 'string' ? metric.Unit : 'None';
        this.#add(namespace, metric.Name, unit, dimensions, values, source);
      }
    }
    return true;
  }

  #add(
    namespace: string,
    name: string,
    unit: string,
    dimensions: Record<string, string>,
    values: readonly number[],
    source: string,
  ): void {
    const dimensionKey = Object.keys(dimensions)
      .sort()
      .map((key) => `${key}=${dimensions[key]}`)
      .join(',');
    const key = `${namespace}|${name}|${unit}|${dimensionKey}`;
    let series = this.#series.get(key);
    if (!series) {
      if (this.#series.size >= MAX_SERIES) {
        this.#dropped += 1;
        return;
      }
      series = {
        namespace,
        name,
        unit,
        dimensions: { ...dimensions },
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        samples: [],
        next: 0,
        functions: new Set(),
      };
      this.#series.set(key, series);
    }
    series.functions.add(source);
    for (const value of values) {
      series.count += 1;
      series.sum += value;
      series.min = Math.min(series.min, value);
      series.max = Math.max(series.max, value);
      if (series.samples.length < SAMPLES_PER_SERIES) series.samples.push(value);
      else series.samples[series.next] = value;
      series.next = (series.next + 1) % SAMPLES_PER_SERIES;
    }
  }

  /** EMF documents read, and series not collected because {@link MAX_SERIES} was reached. */
  get stats(): { readonly lines: number; readonly series: number; readonly dropped: number } {
    return { lines: this.#lines, series: this.#series.size, dropped: this.#dropped };
  }

  /** Every series, by namespace, name and dimensions. */
  summaries(): MetricSummary[] {
    return [...this.#series.values()]
      .map((series) => {
        const sorted = [...series.samples].sort((a, b) => a - b);
        return {
          namespace: series.namespace,
          name: series.name,
          unit: series.unit,
          dimensions: series.dimensions,
          count: series.count,
          sum: series.sum,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          min: series.min,
          max: series.max,
          functions: [...series.functions].sort(),
        };
      })
      .sort(
        (a, b) =>
          a.namespace.localeCompare(b.namespace) ||
          a.name.localeCompare(b.name) ||
          JSON.stringify(a.dimensions).localeCompare(JSON.stringify(b.dimensions)),
      );
  }
}
