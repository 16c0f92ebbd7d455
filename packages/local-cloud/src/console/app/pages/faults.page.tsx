import { useState } from 'preact/hooks';
import { api, usePoll } from '../api.ts';

interface FaultRow {
  readonly id: string;
  readonly kind: string;
  readonly function?: string;
  readonly table?: string;
  readonly queue?: string;
  readonly errorType?: string;
  readonly latencyMs?: number;
  readonly rate: number;
  readonly hits: number;
  readonly checks: number;
}

const KINDS = [
  ['function-error', 'function fails', 'function'],
  ['function-latency', 'function is slow', 'function'],
  ['function-timeout', 'function times out', 'function'],
  ['table-throttle', 'table throttles', 'table'],
  ['queue-duplicate', 'queue delivers twice', 'queue'],
  ['queue-redeliver', 'queue redelivers', 'queue'],
] as const;

const targetOf = (fault: FaultRow) => fault.function ?? fault.table ?? fault.queue ?? '';

/** The faults injected into the running shop; add and clear them. */
export const FaultsPage = () => {
  const { data, error, refresh } = usePoll<{ items: FaultRow[] }>('/faults', 1000);
  const [kind, setKind] = useState<(typeof KINDS)[number][0]>('function-error');
  const [target, setTarget] = useState('');
  const [detail, setDetail] = useState('TransientError');
  const [rate, setRate] = useState('1');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const field = KINDS.find(([k]) => k === kind)?.[2] ?? 'function';
  const add = async (event: Event) => {
    event.preventDefault();
    const spec: Record<string, unknown> = { kind, [field]: target, rate: Number(rate) };
    if (kind === 'function-error') spec.errorType = detail;
    if (kind === 'function-latency') spec.latencyMs = Number(detail);
    try {
      await api('/faults', {
        method: 'POST',
        body: JSON.stringify(spec),
        headers: { 'content-type': 'application/json' },
      });
      setProblem(undefined);
      refresh();
    } catch (caught) {
      setProblem(caught instanceof Error ? caught.message : String(caught));
    }
  };
  const clear = async (id?: string) => {
    await api(id ? `/faults/${encodeURIComponent(id)}` : '/faults', { method: 'DELETE' });
    refresh();
  };
  return (
    <section>
      <h1>Faults</h1>
      {error && <p class="error">{error}</p>}
      <form class="card fault-form" onSubmit={(event) => void add(event)}>
        <select
          value={kind}
          onChange={(event) => setKind((event.target as HTMLSelectElement).value as typeof kind)}
        >
          {KINDS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <input
          name="target"
          placeholder={
            field === 'table'
              ? 'shop-payment'
              : field === 'queue'
                ? 'cart-order-confirmed'
                : 'payment-authorize-payment'
          }
          value={target}
          onInput={(event) => setTarget((event.target as HTMLInputElement).value)}
        />
        {(kind === 'function-error' || kind === 'function-latency') && (
          <input
            name="detail"
            value={detail}
            placeholder={kind === 'function-error' ? 'error type' : 'milliseconds'}
            onInput={(event) => setDetail((event.target as HTMLInputElement).value)}
          />
        )}
        <label>
          rate{' '}
          <input
            name="rate"
            value={rate}
            size={4}
            onInput={(event) => setRate((event.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Add fault</button>
        {problem && <span class="error">{problem}</span>}
      </form>
      {data && data.items.length === 0 && <p class="empty">No faults: everything works as it should.</p>}
      {data && data.items.length > 0 && (
        <>
          <table data-testid="faults">
            <thead>
              <tr>
                <th>Id</th>
                <th>Fault</th>
                <th>Target</th>
                <th class="num">Rate</th>
                <th class="num">Struck</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.items.map((fault) => (
                <tr key={fault.id} data-fault={fault.id}>
                  <td>{fault.id}</td>
                  <td>
                    {fault.kind} {fault.errorType ?? ''} {fault.latencyMs ? `${fault.latencyMs} ms` : ''}
                  </td>
                  <td>{targetOf(fault)}</td>
                  <td class="num">{fault.rate}</td>
                  <td class="num">
                    {fault.hits}/{fault.checks}
                  </td>
                  <td>
                    <button type="button" onClick={() => void clear(fault.id)}>
                      Clear
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => void clear()}>
            Clear all
          </button>
        </>
      )}
    </section>
  );
};
