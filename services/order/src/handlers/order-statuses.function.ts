import { OrderStatuses } from '@shop/contracts/order';
import { defineInvokedFunction } from '@shop/platform/task';
import { orderStatuses } from '../application/order-queries.use-case.ts';
import { createOrderDepsFromEnv } from '../composition-root.ts';

const deps = createOrderDepsFromEnv();

/** Internal `order.orderStatuses`: where some orders stand (the catalog's reservation expiry asks). */
export const handler = defineInvokedFunction({
  contract: OrderStatuses,
  errors: [],
  run: (input) => orderStatuses(deps, input.orderIds),
});
