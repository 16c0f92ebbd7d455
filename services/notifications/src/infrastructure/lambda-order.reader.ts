import type { Order, OrderView } from '@shop/contracts/order';
import type { InternalFunctionClient } from '@shop/platform/invoke';
import { OrderUnavailableError } from '../domain/notifications.errors.ts';
import type { OrderReader } from '../domain/order-reader.port.ts';

type OrderViewClient = InternalFunctionClient<(typeof OrderView)['input'], (typeof OrderView)['output']>;

/** The order service's internal `orderView` function, through the platform's internal-function client. */
export class LambdaOrderReader implements OrderReader {
  readonly #client: OrderViewClient;

  constructor(client: OrderViewClient) {
    this.#client = client;
  }

  async read(orderId: string): Promise<Order | undefined> {
    try {
      return (await this.#client.call({ orderId })).order ?? undefined;
    } catch (error) {
      throw new OrderUnavailableError(orderId, error);
    }
  }
}
