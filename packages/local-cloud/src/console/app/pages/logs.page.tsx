import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';

interface LogLine {
  readonly seq: number;
  readonly at: string;
  readonly source: string;
  readonly level?: string;
  readonly message: string;
  readonly orderId?: string;
  readonly correlationId?: string;
}

const MAX_LINES = 1000;

/** A live tail of every function's log, filterable by order id or correlation id. */
export const LogsPage = () => {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [orderId, setOrderId] = useState('');
  const [correlationId, setCorrelationId] = useState('');
  const after = useRef(0);
  useEffect(() => {
    after.current = 0;
    setLines([]);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const query = new URLSearchParams({ after: String(after.current) });
      if (orderId) query.set('orderId', orderId);
      if (correlationId) query.set('correlationId', correlationId);
      try {
        const page = await api<{ items: LogLine[]; lastSeq: number }>(`/logs?${query}`);
        if (!stopped && page.items.length > 0) {
          after.current = page.items[page.items.length - 1]?.seq ?? after.current;
          setLines((previous) => [...previous, ...page.items].slice(-MAX_LINES));
        }
      } catch {
        // The next round tries again.
      }
      if (!stopped) timer = setTimeout(load, 1000);
    };
    void load();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [orderId, correlationId]);
  return (
    <section>
      <h1>Logs</h1>
      <div class="filters">
        <input
          placeholder="order id"
          value={orderId}
          onChange={(event) => setOrderId((event.target as HTMLInputElement).value.trim())}
        />
        <input
          placeholder="correlation id"
          value={correlationId}
          onChange={(event) => setCorrelationId((event.target as HTMLInputElement).value.trim())}
        />
      </div>
      <div class="log" data-testid="log">
        {lines.map((line) => (
          <div
            key={line.seq}
            class={`log-line level-${(line.level ?? 'info').toLowerCase()}`}
            data-seq={line.seq}
          >
            <span class="muted">{line.at.slice(11, 23)}</span> <b>{line.source}</b> {line.message}
            {line.orderId && <span class="tag">{line.orderId}</span>}
            {line.correlationId && <span class="tag">{line.correlationId}</span>}
          </div>
        ))}
      </div>
    </section>
  );
};
