import type { OrderStatus, OrderStatuses } from '@shop/contracts/order';
import type { InternalFunctionClient } from '@shop/platform/invoke';
import type { OrderStatusReader } from '../domain/order-status.port.ts';

/**
 * The order service's `orderStatuses`, through the platform's internal-function client. A failure is
 * the client's error: the expiry job's run fails and the next one asks again.
 */
export class LambdaOrderStatusReader implements OrderStatusReader {
  readonly #client: InternalFunctionClient<typeof OrderStatuses.input, typeof OrderStatuses.output>;

  constructor(client: InternalFunctionClient<typeof OrderStatuses.input, typeof OrderStatuses.output>) {
    this.#client = client;
  }

  async statusesOf(orderIds: readonly string[]): Promise<Map<string, OrderStatus>> {
    const { orders } = await this.#client.call({ orderIds: [...orderIds] });
    return new Map(orders.map((order) => [order.orderId, order.status]));
  }
}
