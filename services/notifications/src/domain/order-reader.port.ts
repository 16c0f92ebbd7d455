import type { Order } from '@shop/contracts/order';

export interface OrderReader {
  /**
   * The order as its owner sees it, or undefined when there is none.
   * @throws OrderUnavailableError when it cannot be read right now.
   */
  read(orderId: string): Promise<Order | undefined>;
}
