import { useMemo, useState } from 'preact/hooks';
import { executionViewOf, type HistoryEventLike } from '../../saga/execution-view.ts';
import { stateGraphOf } from '../../saga/state-graph.ts';
import { money, since, usePoll } from '../api.ts';
import { SagaGraph } from './saga-graph.tsx';
import { type TimelineSpan, TraceTimeline } from './trace-timeline.tsx';

interface Execution {
  readonly machine: string;
  readonly executionArn: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly definition: unknown;
  readonly events: HistoryEventLike[];
}

interface OrderDetail {
  readonly order: {
    id: string;
    status: string;
    statusReason?: string;
    customerId: string;
    lines: { sku: string; name: string; quantity: number; lineTotal: { amount: number; currency: string } }[];
    totals: Record<string, { amount: number; currency: string }>;
    statusHistory: { status: string; at: string; reason?: string; detail?: string }[];
  };
  readonly payments: {
    id: string;
    status: string;
    amount: { amount: number; currency: string };
    capturedAmount: { amount: number; currency: string };
    refundedAmount: { amount: number; currency: string };
    paymentMethod: string;
  }[];
  readonly executions: Execution[];
  readonly trace: TimelineSpan[];
  readonly logs: { seq: number; at: string; source: string; level?: string; message: string }[];
}

const Json = ({ value }: { value: unknown }) =>
  value === undefined ? <em>none</em> : <pre>{JSON.stringify(value, null, 2)}</pre>;

const ExecutionPanel = ({ execution }: { execution: Execution }) => {
  const graph = useMemo(() => stateGraphOf(execution.definition), [execution.definition]);
  const view = useMemo(() => executionViewOf(execution.events), [execution.events]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const visit = selected ? view.states.get(selected) : undefined;
  return (
    <div class="execution" data-machine={execution.machine} data-execution-status={execution.status}>
      <h2>
        {execution.machine}{' '}
        <span class={`badge exec-${execution.status.toLowerCase()}`}>{execution.status}</span>
      </h2>
      <div class="execution-body">
        <div class="graph-scroll">
          <SagaGraph graph={graph} view={view} selected={selected} onSelect={setSelected} />
        </div>
        <aside class="state-details" data-testid="state-details">
          {!selected && <p class="empty">Pick a state to see its input, output and error.</p>}
          {selected && (
            <>
              <h3>{selected}</h3>
              {!visit && <p class="empty">Not run in this execution.</p>}
              {visit && (
                <>
                  <p>
                    <span class={`badge state-${visit.status}`}>{visit.status}</span>{' '}
                    {visit.attempts > 1 && <span>{visit.attempts} attempts</span>}
                  </p>
                  <h4>Input</h4>
                  <Json value={visit.input} />
                  <h4>Output</h4>
                  <Json value={visit.output} />
                  {visit.error && (
                    <>
                      <h4>Error</h4>
                      <Json value={visit.error} />
                    </>
                  )}
                </>
              )}
            </>
          )}
        </aside>
      </div>
    </div>
  );
};

/** One order: its saga executions drawn as graphs, its payments, its history, its trace and its log lines. */
export const OrderPage = ({ orderId }: { orderId: string }) => {
  const { data, error } = usePoll<OrderDetail>(`/orders/${encodeURIComponent(orderId)}`, 1500);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="empty">Loading {orderId}…</p>;
  const { order } = data;
  return (
    <section data-testid="order" data-order-status={order.status}>
      <p>
        <a href="#/orders">← Orders</a>
      </p>
      <h1>
        {order.id} <span class={`badge status-${order.status.toLowerCase()}`}>{order.status}</span>
        {order.statusReason && <span class="reason">{order.statusReason}</span>}
      </h1>
      <div class="cards">
        <div class="card">
          <h3>Lines</h3>
          <ul>
            {order.lines.map((line) => (
              <li key={line.sku}>
                {line.quantity} × {line.name} <code>{line.sku}</code> {money(line.lineTotal)}
              </li>
            ))}
          </ul>
          <p>Total {money(order.totals.total)}</p>
        </div>
        <div class="card">
          <h3>Payments</h3>
          {data.payments.length === 0 && <p class="empty">none</p>}
          <ul>
            {data.payments.map((payment) => (
              <li key={payment.id} data-payment-status={payment.status}>
                <span class={`badge pay-${payment.status.toLowerCase()}`}>{payment.status}</span>{' '}
                {money(payment.amount)} via <code>{payment.paymentMethod}</code>, captured{' '}
                {money(payment.capturedAmount)}, refunded {money(payment.refundedAmount)}
              </li>
            ))}
          </ul>
        </div>
        <div class="card">
          <h3>History</h3>
          <ol>
            {order.statusHistory.map((entry) => (
              <li key={`${entry.at}${entry.status}${entry.reason ?? ''}`}>
                {entry.status} {entry.reason ?? ''} <span class="muted">{since(entry.at)}</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
      {data.executions.map((execution) => (
        <ExecutionPanel key={execution.executionArn} execution={execution} />
      ))}
      <TraceTimeline spans={data.trace} />
      <h2>Log lines about this order</h2>
      <div class="log">
        {data.logs.map((line) => (
          <div key={line.seq} class={`log-line level-${(line.level ?? 'info').toLowerCase()}`}>
            <span class="muted">{line.at.slice(11, 23)}</span> <b>{line.source}</b> {line.message}
          </div>
        ))}
      </div>
    </section>
  );
};
