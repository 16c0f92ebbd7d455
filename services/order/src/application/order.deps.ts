import type { Clock } from '@shop/platform/clock';
import type { CheckoutViewReader } from '../domain/checkout-view.port.ts';
import type { OrderRepository } from '../domain/order.repository.port.ts';
import type { SagaStarter } from '../domain/saga-starter.port.ts';

/** What every function of the service needs. */
export interface OrderDeps {
  readonly orders: OrderRepository;
  /** The events' `source`: the service name. */
  readonly source: string;
  readonly clock?: Clock;
}

/** What the HTTP function needs besides: the cart, and the sagas it starts. */
export interface CheckoutDeps extends OrderDeps {
  readonly cartView: CheckoutViewReader;
  readonly sagas: SagaStarter;
}

export interface Reader {
  readonly sub: string;
  readonly roles: readonly string[];
}
