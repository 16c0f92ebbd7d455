import { useState } from 'preact/hooks';
import type { MailboxItem } from '../../../ses/ses.mailbox.ts';
import { since, usePoll } from '../api.ts';

/**
 * What the local SES sent (`GET /dev/mailbox`), newest first, refreshed every second: filter by
 * recipient, open a message for its plain-text and HTML bodies (the HTML in a sandboxed frame).
 */
export const MailboxPage = ({ open }: { open?: string }) => {
  const [to, setTo] = useState('');
  const { data, error } = usePoll<{ items: MailboxItem[] }>(
    `/mailbox${to ? `?to=${encodeURIComponent(to)}` : ''}`,
    1000,
  );
  const keyOf = (message: MailboxItem) => `${message.id}|${message.to}`;
  const selected = data?.items.find((message) => keyOf(message) === open);
  return (
    <section>
      <h1>Mailbox</h1>
      <div class="filters">
        <input
          placeholder="recipient address"
          value={to}
          onChange={(event) => setTo((event.target as HTMLInputElement).value.trim())}
        />
      </div>
      {error && <p class="error">{error}</p>}
      {data && data.items.length === 0 && (
        <p class="empty">
          No email yet. Check out with a token that carries an email (POST /dev/token with "email").
        </p>
      )}
      {data && data.items.length > 0 && (
        <table data-testid="mailbox">
          <thead>
            <tr>
              <th>To</th>
              <th>Subject</th>
              <th>Sent</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((message) => (
              <tr key={keyOf(message)} data-message-id={message.id}>
                <td>{message.to}</td>
                <td>
                  <a href={`#/mailbox/${encodeURIComponent(keyOf(message))}`}>{message.subject}</a>
                </td>
                <td title={message.sentAt}>{since(message.sentAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <div class="card" data-testid="mail">
          <h2>{selected.subject}</h2>
          <p class="muted">
            From {selected.from} to {selected.to}, {selected.sentAt} (message {selected.id})
          </p>
          {selected.html !== undefined && (
            <iframe title="HTML body" class="mail-html" sandbox="" srcdoc={selected.html} />
          )}
          {selected.text !== undefined && <pre>{selected.text}</pre>}
        </div>
      )}
    </section>
  );
};
