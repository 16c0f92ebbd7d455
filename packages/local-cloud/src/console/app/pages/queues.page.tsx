import { useState } from 'preact/hooks';
import { api, usePoll } from '../api.ts';

interface QueueRow {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLetterQueue?: string;
  readonly maxReceiveCount?: number;
  readonly dlq?: { readonly name: string; readonly depth: number; readonly oldestMessageAgeSeconds?: number };
}

interface Peeked {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: Record<string, string>;
  readonly messageAttributes: Record<string, string>;
}

/** Every queue with its depths and its DLQ; peek at messages; move a DLQ's messages back. */
export const QueuesPage = () => {
  const { data, error, refresh } = usePoll<{ items: QueueRow[] }>('/queues', 1000);
  const [peek, setPeek] = useState<{ queue: string; items: Peeked[] } | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const redrive = async (dlq: string) => {
    await api(`/queues/${encodeURIComponent(dlq)}/redrive`, { method: 'POST' });
    setNotice(`moving the messages of ${dlq} back to their queue`);
    refresh();
  };
  const look = async (queue: string) => {
    setPeek({ queue, ...(await api<{ items: Peeked[] }>(`/queues/${encodeURIComponent(queue)}/messages`)) });
  };
  const isDlq = (name: string) => data?.items.some((queue) => queue.deadLetterQueue === name) ?? false;
  return (
    <section>
      <h1>Queues</h1>
      {error && <p class="error">{error}</p>}
      {notice && <p class="notice">{notice}</p>}
      {data && (
        <table data-testid="queues">
          <thead>
            <tr>
              <th>Queue</th>
              <th class="num">Visible</th>
              <th class="num">In flight</th>
              <th class="num">Delayed</th>
              <th>Dead-letter queue</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.items
              .filter((queue) => !isDlq(queue.name))
              .map((queue) => (
                <tr key={queue.name} data-queue={queue.name}>
                  <td>
                    <button type="button" class="link" onClick={() => void look(queue.name)}>
                      {queue.name}
                    </button>
                  </td>
                  <td class="num">{queue.visible}</td>
                  <td class="num">{queue.inFlight}</td>
                  <td class="num">{queue.delayed}</td>
                  <td>
                    {queue.dlq && (
                      <span data-dlq={queue.dlq.name} data-dlq-depth={queue.dlq.depth}>
                        <button type="button" class="link" onClick={() => void look(queue.dlq?.name ?? '')}>
                          {queue.dlq.name}
                        </button>{' '}
                        <span class={queue.dlq.depth > 0 ? 'badge dlq-full' : 'badge'}>
                          {queue.dlq.depth}
                        </span>
                        {queue.dlq.oldestMessageAgeSeconds !== undefined && (
                          <span class="muted"> oldest {queue.dlq.oldestMessageAgeSeconds}s</span>
                        )}
                      </span>
                    )}
                  </td>
                  <td>
                    {queue.dlq && queue.dlq.depth > 0 && (
                      <button
                        type="button"
                        data-redrive={queue.dlq.name}
                        onClick={() => void redrive(queue.dlq?.name ?? '')}
                      >
                        Redrive
                      </button>
                    )}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {peek && (
        <div class="card" data-testid="peek">
          <h3>Messages in {peek.queue}</h3>
          {peek.items.length === 0 && <p class="empty">none visible</p>}
          {peek.items.map((message) => (
            <details key={message.messageId}>
              <summary>
                {message.messageId}{' '}
                <span class="muted">received {message.attributes?.ApproximateReceiveCount ?? '?'} times</span>
              </summary>
              <pre>{message.body}</pre>
            </details>
          ))}
        </div>
      )}
    </section>
  );
};
