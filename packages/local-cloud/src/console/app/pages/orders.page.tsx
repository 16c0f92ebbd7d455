import { money, since, usePoll } from '../api.ts';

interface OrderRow {
  readonly id: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly customerId: string;
  readonly total: { amount: number; currency: string };
  readonly createdAt: string;
}

/** Every order, newest first, refreshed every second. */
export const OrdersPage = () => {
  const { data, error } = usePoll<{ items: OrderRow[] }>('/orders?limit=100', 1000);
  return (
    <section>
      <h1>Orders</h1>
      {error && <p class="error">{error}</p>}
      {data && data.items.length === 0 && (
        <p class="empty">No orders yet. Check out something through the API.</p>
      )}
      {data && data.items.length > 0 && (
        <table data-testid="orders">
          <thead>
            <tr>
              <th>Order</th>
              <th>Status</th>
              <th>Customer</th>
              <th class="num">Total</th>
              <th>Placed</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((order) => (
              <tr key={order.id} data-order-id={order.id}>
                <td>
                  <a href={`#/orders/${order.id}`}>{order.id}</a>
                </td>
                <td>
                  <span class={`badge status-${order.status.toLowerCase()}`}>{order.status}</span>
                  {order.statusReason && <span class="reason">{order.statusReason}</span>}
                </td>
                <td>{order.customerId}</td>
                <td class="num">{money(order.total)}</td>
                <td title={order.createdAt}>{since(order.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
