import { defineScheduledFunction } from '@shop/platform/task';
import { reconcileOrders } from '../application/reconcile-orders.use-case.ts';
import { createReconcileDepsFromEnv } from '../composition-root.ts';

const deps = createReconcileDepsFromEnv();

/** Every minute: every order PENDING or CANCELLING for too long gets a saga that settles it. */
export const handler = defineScheduledFunction({
  name: 'ReconcileOrders',
  run: (run) => reconcileOrders(deps, run),
});
