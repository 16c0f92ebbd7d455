import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { FaultsPage } from './pages/faults.page.tsx';
import { FunctionsPage } from './pages/functions.page.tsx';
import { LogsPage } from './pages/logs.page.tsx';
import { MailboxPage } from './pages/mailbox.page.tsx';
import { OrderPage } from './pages/order.page.tsx';
import { OrdersPage } from './pages/orders.page.tsx';
import { QueuesPage } from './pages/queues.page.tsx';
import { TablesPage } from './pages/tables.page.tsx';
import './styles.css';

const SECTIONS = [
  ['orders', 'Orders'],
  ['queues', 'Queues'],
  ['functions', 'Functions'],
  ['tables', 'Tables'],
  ['faults', 'Faults'],
  ['mailbox', 'Mailbox'],
  ['logs', 'Logs'],
] as const;

const routeOf = (hash: string): string[] =>
  hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);

const useRoute = (): string[] => {
  const [route, setRoute] = useState(routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
};

const Page = ({ route }: { route: string[] }) => {
  const [section = 'orders', id] = route;
  switch (section) {
    case 'orders':
      return id ? <OrderPage orderId={id} /> : <OrdersPage />;
    case 'queues':
      return <QueuesPage />;
    case 'functions':
      return <FunctionsPage />;
    case 'tables':
      return <TablesPage {...(id ? { table: id } : {})} />;
    case 'faults':
      return <FaultsPage />;
    case 'mailbox':
      return <MailboxPage {...(id ? { open: id } : {})} />;
    case 'logs':
      return <LogsPage />;
    default:
      return <p class="empty">Nothing here. Pick a section on the left.</p>;
  }
};

const Console = () => {
  const route = useRoute();
  const section = route[0] ?? 'orders';
  return (
    <div class="layout">
      <nav>
        <div class="brand">
          Shop <span class="muted">local console</span>
        </div>
        {SECTIONS.map(([key, label]) => (
          <a key={key} href={`#/${key}`} class={section === key ? 'active' : ''}>
            {label}
          </a>
        ))}
        <div class="links">
          <a href="/docs">API reference</a>
        </div>
      </nav>
      <main>
        <Page route={route} />
      </main>
    </div>
  );
};

const root = document.getElementById('console');
if (root) render(<Console />, root);
