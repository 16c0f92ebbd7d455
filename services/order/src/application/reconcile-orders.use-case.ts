import type { OrderStatus } from '@shop/contracts/order';
import { nowOf } from '@shop/platform/clock';
import { getLogger, type RECONCILED_ACTIONS, recordMetric, SHOP_METRICS } from '@shop/platform/observability';
import { cancellationReasonOf, checkoutSagaInputOf, type Order } from '../domain/order.entity.ts';
import type { ExecutionStatus, SagaExecution, SagaSupervisor } from '../domain/saga-supervisor.port.ts';
import type { OrderDeps } from './order.deps.ts';

/** Orders looked at per status and run: a backlog is worked off over the next runs, one page at a time. */
export const RECONCILE_BATCH = 100;

/**
 * Checkout executions that closed unsuccessfully are looked at for this long after they stopped (a
 * redrive that fails again stops again, so it is seen again): ten missed runs go unnoticed.
 */
export const UNSUCCESSFUL_CHECKOUT_LOOKBACK_SECONDS = 600;

/**
 * A CONFIRMED order's checkout is redriven while it started less than this long ago: the checkout's
 * own 15-minute timeout plus an hour of redrives. After that it is an operator's (`needs-operator`,
 * logged at ERROR) for the lookback's length, and then no longer listed.
 */
export const CHECKOUT_REDRIVE_WINDOW_SECONDS = 900 + 3600;

/**
 * ListExecutions pages through every unsuccessful checkout (rejections are FAILED executions too)
 * started this long ago or less, so this bounds the listing.
 */
const LISTING_HORIZON_SECONDS = CHECKOUT_REDRIVE_WINDOW_SECONDS + UNSUCCESSFUL_CHECKOUT_LOOKBACK_SECONDS;

/** Orders of unsuccessful checkouts read in one BatchGetItem (its limit). */
const READ_BATCH = 100;

export interface ReconcileDeps extends OrderDeps {
  readonly sagas: SagaSupervisor;
  /** An order PENDING (or CANCELLING) for longer than this is looked at. */
  readonly reconcileAfterSeconds: number;
}

/**
 * What the reconciler did to one order:
 * - `running`: its saga is running; `settled-meanwhile`: it was settled while being looked at;
 *   neither is counted as `OrdersReconciled`.
 * - `restarted`: no execution existed, so it was started (checkout from the stored order, cancel
 *   from its request).
 * - `settling`: its checkout ended without settling it, so the settle saga compensates and rejects it.
 * - `redriven`: a cancel or settle execution that failed part-way, or a checkout over a CONFIRMED
 *   order, was redriven from where it stopped.
 * - `needs-operator`: nothing the reconciler may do (Step Functions refused a redrive; a succeeded
 *   saga left it open).
 * - `failed`: reading or starting failed; the next run tries again.
 */
export type ReconcileAction = 'running' | 'settled-meanwhile' | (typeof RECONCILED_ACTIONS)[number];

export type ReconcileSummary = Record<ReconcileAction, number> & { readonly examined: number };

/** How the reconciler handles one order it found. */
type Reconcile = (deps: ReconcileDeps, order: Order, correlationId: string) => Promise<ReconcileAction>;

/** An order the reconciler found, with how to handle it. */
type Found = readonly [Order, Reconcile];

const CLOSED_UNSETTLED: ReadonlySet<ExecutionStatus> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

const isOpen = (status: ExecutionStatus) => status === 'RUNNING' || status === 'PENDING_REDRIVE';

/** The stored order again, strongly consistent; `undefined` when it left `status` meanwhile. */
const stillIn = async (deps: ReconcileDeps, order: Order, status: OrderStatus) => {
  const current = await deps.orders.get(order.id);
  return current?.status === status ? current : undefined;
};

/** Logs at ERROR why nothing more may be done for the order; the `order-needs-operator` alarm sees it. */
const needsOperator = (reason: string, order: Order, saga: SagaExecution['saga']): ReconcileAction => {
  getLogger().error(`${reason}; the order needs an operator`, { orderId: order.id, saga });
  return 'needs-operator';
};

const REDRIVE_REFUSED = 'saga execution cannot be redriven';

const redriveOrFlag = async (
  deps: ReconcileDeps,
  order: Order,
  execution: SagaExecution,
): Promise<ReconcileAction> =>
  (await deps.sagas.redrive(order.id, execution))
    ? 'redriven'
    : needsOperator(REDRIVE_REFUSED, order, execution.saga);

/**
 * A `PENDING` order: its checkout execution is started from the stored order when there is none
 * (lost with the machine that ran it), left alone while it runs, and when it ended without settling
 * the order, the settle saga voids the authorization, gives the stock back and rejects the order as
 * `CHECKOUT_ABANDONED` (its own failures are redriven).
 */
const reconcilePending: Reconcile = async (deps, order, correlationId) => {
  const checkout = await deps.sagas.statusOf(order.id, { saga: 'checkout' });
  if (isOpen(checkout)) return 'running';
  // Read after the execution: an execution that settled the order just now is seen as having done so.
  const current = await stillIn(deps, order, 'PENDING');
  if (!current) return 'settled-meanwhile';
  if (checkout === 'MISSING') {
    await deps.sagas.startCheckout(checkoutSagaInputOf(current, correlationId));
    return 'restarted';
  }
  if (!CLOSED_UNSETTLED.has(checkout))
    return needsOperator('checkout saga succeeded but left it PENDING', order, 'checkout');
  const settle = await deps.sagas.statusOf(order.id, { saga: 'settle' });
  if (settle === 'MISSING') {
    await deps.sagas.startSettle({
      orderId: order.id,
      detail: `the checkout saga ended ${checkout} without settling the order; compensated by the reconciler`,
      correlationId,
    });
    return 'settling';
  }
  if (isOpen(settle)) return 'running';
  if (CLOSED_UNSETTLED.has(settle)) return redriveOrFlag(deps, current, { saga: 'settle' });
  return needsOperator('settle saga succeeded but left it PENDING', order, 'settle');
};

/**
 * A `CANCELLING` order: its cancel execution (this attempt's) is started again when there is none,
 * left alone while it runs, and redriven when it failed part-way (the refund, the restock and the
 * cancellation are each idempotent).
 */
const reconcileCancelling: Reconcile = async (deps, order, correlationId) => {
  const execution = { saga: 'cancel', attempt: order.cancelAttempts } as const;
  const cancel = await deps.sagas.statusOf(order.id, execution);
  if (isOpen(cancel)) return 'running';
  const current = await stillIn(deps, order, 'CANCELLING');
  if (!current || current.cancelAttempts !== order.cancelAttempts) return 'settled-meanwhile';
  if (cancel === 'MISSING') {
    await deps.sagas.startCancel(
      { orderId: order.id, reason: cancellationReasonOf(current), correlationId },
      order.cancelAttempts,
    );
    return 'restarted';
  }
  if (CLOSED_UNSETTLED.has(cancel)) return redriveOrFlag(deps, current, execution);
  return needsOperator('cancel saga succeeded but left it CANCELLING', order, 'cancel');
};

/**
 * A `CONFIRMED` order whose checkout execution closed unsuccessfully: the payment's capture failed
 * for good after the order was confirmed, and the compensation that cancels the order (void, give the
 * stock and the promotion back, `CANCELLED` as `PAYMENT_FAILED`) ran out of retries (on a machine so
 * busy that every attempt timed out, say), or the execution was stopped or timed out in between.
 * Left alone, the order would stay `CONFIRMED` with its payment voided or never captured. The
 * checkout is redriven from the state it stopped in: every task is idempotent by order id, so a
 * capture that went through is found captured (and the checkout succeeds), and a void that went
 * through late is found voided.
 */
const reconcileConfirmed: Reconcile = async (deps, order) => {
  const execution = { saga: 'checkout' } as const;
  if (await deps.sagas.redrive(order.id, execution)) return 'redriven';
  // Refused: another run may have redriven it just now; if not, Step Functions will not redrive it.
  const checkout = await deps.sagas.statusOf(order.id, execution);
  if (isOpen(checkout)) return 'running';
  if (checkout === 'SUCCEEDED') return 'settled-meanwhile';
  return needsOperator(REDRIVE_REFUSED, order, 'checkout');
};

/** A CONFIRMED order whose checkout has been failing for longer than the redrive window. */
const flagAbandonedCheckout: Reconcile = async (_deps, order) =>
  needsOperator('checkout still unsuccessful after an hour of redrives', order, 'checkout');

/** The `PENDING` orders placed before `before`. */
const pendingPlacedBefore = async (deps: ReconcileDeps, before: string): Promise<Found[]> =>
  (await deps.orders.listPlacedBefore('PENDING', before, RECONCILE_BATCH)).map((order) => [
    order,
    reconcilePending,
  ]);

/** The `CANCELLING` orders whose cancellation was requested before `before` (not when they were placed). */
const cancellingRequestedBefore = async (deps: ReconcileDeps, before: string): Promise<Found[]> =>
  (await deps.orders.listPlacedBefore('CANCELLING', before, RECONCILE_BATCH))
    .filter((order) => order.updatedAt < before)
    .map((order) => [order, reconcileCancelling]);

/**
 * The `CONFIRMED` orders of the checkouts that closed unsuccessfully in the window (the others are
 * settled, or the reconciler's other paths), with what to do to each.
 */
const confirmedOfUnsuccessfulCheckouts = async (deps: ReconcileDeps, now: Date): Promise<Found[]> => {
  const checkouts = await deps.sagas.listUnsuccessfulCheckouts({
    startedSince: new Date(now.getTime() - LISTING_HORIZON_SECONDS * 1000),
    stoppedSince: new Date(now.getTime() - UNSUCCESSFUL_CHECKOUT_LOOKBACK_SECONDS * 1000),
  });
  const redriveSince = now.getTime() - CHECKOUT_REDRIVE_WINDOW_SECONDS * 1000;
  const startedAt = new Map<string, Date>();
  for (const checkout of checkouts) startedAt.set(checkout.orderId, checkout.startedAt);
  const orderIds = [...startedAt.keys()];
  const confirmed: Found[] = [];
  for (let i = 0; i < orderIds.length && confirmed.length < RECONCILE_BATCH; i += READ_BATCH) {
    for (const order of await deps.orders.getMany(orderIds.slice(i, i + READ_BATCH))) {
      if (order.status !== 'CONFIRMED') continue;
      const started = startedAt.get(order.id)?.getTime() ?? 0;
      confirmed.push([order, started >= redriveSince ? reconcileConfirmed : flagAbandonedCheckout]);
    }
  }
  return confirmed.slice(0, RECONCILE_BATCH);
};

/**
 * The reconciler's run (every minute): finds the orders `PENDING` or `CANCELLING` for longer than
 * `reconcileAfterSeconds`, and the `CONFIRMED` orders whose checkout closed unsuccessfully, and gives
 * each a saga that will settle it. Safe to run twice at once and
 * after any crash: every action is a StartExecution under a deterministic name (a repeat is a no-op)
 * or a redrive of a closed execution (a repeat is refused), and the order is re-read before acting.
 */
export const reconcileOrders = async (
  deps: ReconcileDeps,
  run: { readonly scheduledAt?: Date; readonly correlationId?: string } = {},
): Promise<ReconcileSummary> => {
  const now = run.scheduledAt ?? nowOf(deps);
  // What the reconciler starts carries its run's correlation id, so a restarted saga leads back to it.
  const correlationId = run.correlationId ?? `ReconcileOrders:${now.toISOString()}`;
  const before = new Date(now.getTime() - deps.reconcileAfterSeconds * 1000).toISOString();
  const summary: Record<string, number> = { examined: 0 };
  const count = (action: ReconcileAction) => {
    summary[action] = (summary[action] ?? 0) + 1;
  };
  const pending = await pendingPlacedBefore(deps, before);
  const cancelling = await cancellingRequestedBefore(deps, before);
  const confirmed = await confirmedOfUnsuccessfulCheckouts(deps, now).catch((error: unknown) => {
    count('failed');
    recordMetric(SHOP_METRICS.ordersReconciled, 1, { action: 'failed' });
    getLogger().error('unsuccessful checkouts could not be listed; the next run tries again', {
      error: error instanceof Error ? error.message : String(error),
    });
    return [];
  });
  for (const [order, reconcile] of [...pending, ...cancelling, ...confirmed]) {
    summary.examined = (summary.examined ?? 0) + 1;
    try {
      const action = await reconcile(deps, order, correlationId);
      count(action);
      if (action !== 'running' && action !== 'settled-meanwhile') {
        getLogger().warn('order reconciled', { orderId: order.id, status: order.status, action });
        recordMetric(SHOP_METRICS.ordersReconciled, 1, { action });
      }
    } catch (error) {
      count('failed');
      recordMetric(SHOP_METRICS.ordersReconciled, 1, { action: 'failed' });
      getLogger().error('order could not be reconciled; the next run tries again', {
        orderId: order.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return {
    running: 0,
    'settled-meanwhile': 0,
    restarted: 0,
    settling: 0,
    redriven: 0,
    'needs-operator': 0,
    failed: 0,
    ...summary,
  } as ReconcileSummary;
};
