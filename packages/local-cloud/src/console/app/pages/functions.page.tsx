import { usePoll } from '../api.ts';

interface FunctionRow {
  readonly name: string;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly invocations?: number;
  readonly errors?: number;
  readonly coldStarts?: number;
  readonly throttles?: number;
  readonly durationP50Ms?: number;
  readonly durationP95Ms?: number;
  /** CPU time of the function's thread per invocation (user + system), p50 and p95 of the latest ones. */
  readonly cpuP50Ms?: number;
  readonly cpuP95Ms?: number;
  readonly environments?: number;
  readonly busyEnvironments?: number;
  readonly concurrencyLimit?: number;
  readonly queued?: number;
}

const ms = (value: number | undefined) => (value === undefined ? '' : `${value.toFixed(1)} ms`);

interface MetricRow {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly dimensions: Record<string, string>;
  readonly count: number;
  readonly sum: number;
  readonly p50: number;
  readonly p95: number;
  readonly functions: readonly string[];
}

const figure = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** The EMF metrics the functions printed (Powertools Metrics), as `npm run local -- metrics` shows them. */
const MetricsTable = () => {
  const { data, error } = usePoll<{ items: MetricRow[] }>('/metrics', 3000);
  return (
    <>
      <h2>Metrics</h2>
      {error && <p class="error">{error}</p>}
      {data && (
        <table data-testid="metrics">
          <thead>
            <tr>
              <th>Metric</th>
              <th>Dimensions</th>
              <th class="num">Count</th>
              <th class="num">Sum</th>
              <th class="num">p50</th>
              <th class="num">p95</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {data.items.length === 0 && (
              <tr>
                <td colSpan={7} class="empty">
                  No function has printed a metric yet.
                </td>
              </tr>
            )}
            {data.items.map((metric) => {
              const dimensions = Object.entries(metric.dimensions)
                .map(([key, value]) => `${key}=${value}`)
                .join(' ');
              return (
                <tr key={`${metric.namespace}/${metric.name}/${dimensions}`} data-metric={metric.name}>
                  <td>
                    {metric.name} <span class="muted">{metric.unit}</span>
                  </td>
                  <td>{dimensions}</td>
                  <td class="num">{metric.count}</td>
                  <td class="num">{figure(metric.sum)}</td>
                  <td class="num">{figure(metric.p50)}</td>
                  <td class="num">{figure(metric.p95)}</td>
                  <td class="muted">{metric.functions.join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
};

/** Every function with what the local host measured of it. */
export const FunctionsPage = () => {
  const { data, error } = usePoll<{ items: FunctionRow[] }>('/functions', 2000);
  return (
    <section>
      <h1>Functions</h1>
      {error && <p class="error">{error}</p>}
      {data && (
        <table data-testid="functions">
          <thead>
            <tr>
              <th>Function</th>
              <th class="num">Invocations</th>
              <th class="num">Errors</th>
              <th class="num">Cold starts</th>
              <th class="num">Throttles</th>
              <th class="num">p50</th>
              <th class="num">p95</th>
              <th class="num" title="CPU time per invocation on the environment's thread (user + system)">
                CPU p50
              </th>
              <th class="num">CPU p95</th>
              <th class="num">Environments</th>
              <th class="num">Queued</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((fn) => (
              <tr key={fn.name} data-function={fn.name}>
                <td>
                  {fn.name}{' '}
                  <span class="muted">
                    {fn.memoryMb} MB, {fn.timeoutSeconds}s
                  </span>
                </td>
                <td class="num">{fn.invocations ?? 0}</td>
                <td class={`num${(fn.errors ?? 0) > 0 ? ' warn' : ''}`}>{fn.errors ?? 0}</td>
                <td class="num">{fn.coldStarts ?? 0}</td>
                <td class="num">{fn.throttles ?? 0}</td>
                <td class="num">{ms(fn.durationP50Ms)}</td>
                <td class="num">{ms(fn.durationP95Ms)}</td>
                <td class="num" data-figure="cpu-p50">
                  {ms(fn.cpuP50Ms)}
                </td>
                <td class="num" data-figure="cpu-p95">
                  {ms(fn.cpuP95Ms)}
                </td>
                <td class="num">
                  {fn.busyEnvironments ?? 0}/{fn.environments ?? 0}{' '}
                  <span class="muted">of {fn.concurrencyLimit}</span>
                </td>
                <td class="num">{fn.queued ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MetricsTable />
    </section>
  );
};
