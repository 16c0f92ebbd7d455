import type {
  ReleaseStockOutput,
  ReserveStockInput,
  ReserveStockOutput,
  RestockOrderOutput,
  RestockOutcome,
} from '@shop/contracts/catalog';
import { nowOf } from '@shop/platform/clock';
import { getLogger } from '@shop/platform/observability';
import { LOST_RACE, type LostRaceRetryOptions, retryLostRaces } from '@shop/platform/races';
import type { OrderStatusReader } from '../domain/order-status.port.ts';
import {
  DEFAULT_RESERVATION_HOLD_SECONDS,
  lineNameOf,
  mergeLines,
  type Reservation,
} from '../domain/stock.entity.ts';
import { OutOfStockError, TransientStockError } from '../domain/stock.errors.ts';
import type { CatalogDeps } from './catalog.deps.ts';

/** The stock tasks need only the reservations (their functions bundle nothing else). */
/**
 * Reservations of popular SKUs collide (`TransactionConflict`) more than most writes: more attempts,
 * with full-jitter backoff (10 ms doubling, capped at 250 ms) so that racers spread out.
 */
const CONFLICT_RETRY = {
  maxAttempts: 8,
  backoff: { initialDelayMs: 10, maxDelayMs: 250 },
} as const satisfies Omit<LostRaceRetryOptions, 'onExhausted'>;

export type StockDeps = Pick<CatalogDeps, 'reservations' | 'clock' | 'reservationHoldSeconds'>;

const outputOf = (reservation: Reservation): ReserveStockOutput => ({
  orderId: reservation.orderId,
  lines: reservation.lines.map((line) => ({ ...line })),
});

/**
 * The saga's `ReserveStock`: reserves every line of an order or none, and returns the catalog's price
 * of each line. Idempotent by order id: a repeat returns the first result. Fails with `OutOfStock`
 * when a line is short or its SKU is not sold, `TransientError` when write conflicts persist.
 */
export const reserveStock = async (
  deps: StockDeps,
  input: ReserveStockInput,
): Promise<ReserveStockOutput> => {
  const lines = mergeLines(input.lines);
  const skus = lines.map((line) => line.sku);
  return retryLostRaces(
    async () => {
      const { reservation: existing, stock } = await deps.reservations.load(input.orderId, skus);
      if (existing) return outputOf(existing);

      const unknown = lines
        .filter((line) => stock.get(line.sku)?.status !== 'active')
        .map((line) => line.sku);
      if (unknown.length > 0) throw new OutOfStockError(unknown, unknown);
      // Reject early when the read already shows a shortage: no write needed to know the answer.
      const short = lines.filter((line) => (stock.get(line.sku)?.available ?? 0) < line.quantity);
      if (short.length > 0) throw new OutOfStockError(short.map((line) => line.sku));

      const now = nowOf(deps);
      const at = now.toISOString();
      const holdSeconds = deps.reservationHoldSeconds ?? DEFAULT_RESERVATION_HOLD_SECONDS;
      const reservation: Reservation = {
        orderId: input.orderId,
        status: 'RESERVED',
        lines: lines.flatMap((line) => {
          const found = stock.get(line.sku);
          return found
            ? [
                {
                  sku: line.sku,
                  quantity: line.quantity,
                  unitPrice: found.price,
                  productId: found.productId,
                  name: lineNameOf(found),
                },
              ]
            : [];
        }),
        createdAt: at,
        updatedAt: at,
        holdUntil: new Date(now.getTime() + holdSeconds * 1000).toISOString(),
      };
      const result = await deps.reservations.reserve(reservation);
      switch (result.kind) {
        case 'reserved':
          return outputOf(reservation);
        case 'short':
          throw new OutOfStockError(result.skus);
        case 'exists':
          // A concurrent run of the same task won; the next load returns its reservation.
          return LOST_RACE;
        case 'conflict':
          return LOST_RACE;
      }
    },
    {
      ...CONFLICT_RETRY,
      onExhausted: () =>
        new TransientStockError(
          `reserving stock for order ${input.orderId} kept conflicting with other writes`,
        ),
    },
  );
};

/** What giving an order's units back did or found (the outcomes of `ReleaseStock` and `RestockOrder`). */
export type ReturnOutcome = RestockOutcome;

/**
 * Gives an order's units back, whatever happened to its reservation so far: a reservation still held
 * is released (RESERVED -> RELEASED), a sale already committed by the `order.confirmed` consumer is
 * restocked (COMMITTED -> RESTOCKED: the units return on hand). Each transition is conditioned on the
 * state it was read in, so when a commit slips in between the read and the write, the next round
 * restocks what it sold. Repeats find a final state and change nothing.
 */
export const returnStock = async (deps: StockDeps, orderId: string): Promise<ReturnOutcome> => {
  return retryLostRaces(
    async () => {
      const reservation = await deps.reservations.getReservation(orderId);
      if (!reservation) return 'not-reserved';
      switch (reservation.status) {
        case 'RELEASED':
          return 'already-released';
        case 'RESTOCKED':
          return 'already-restocked';
        case 'RESERVED':
          if ((await deps.reservations.release(reservation, nowOf(deps))) === true) return 'released';
          break;
        case 'COMMITTED':
          if ((await deps.reservations.restock(reservation, nowOf(deps))) === true) return 'restocked';
          break;
      }
      // false: the state moved on meanwhile (read it again); 'conflict': retry.
      return LOST_RACE;
    },
    {
      ...CONFLICT_RETRY,
      onExhausted: () =>
        new TransientStockError(`returning the stock of order ${orderId} kept conflicting with other writes`),
    },
  );
};

/**
 * The checkout saga's `ReleaseStock` (after a declined authorization, or as compensation after a
 * failed capture, when `order.confirmed` may already have committed the sale): see `returnStock`.
 */
export const releaseStock = async (deps: StockDeps, orderId: string): Promise<ReleaseStockOutput> => ({
  orderId,
  outcome: await returnStock(deps, orderId),
});

/** The cancel saga's `RestockOrder` (after the refund): see `returnStock`. */
export const restockOrder = async (deps: StockDeps, orderId: string): Promise<RestockOrderOutput> => ({
  orderId,
  outcome: await returnStock(deps, orderId),
});

export type CommitOutcome = 'committed' | 'already-committed' | 'released' | 'restocked' | 'not-reserved';

/**
 * On `order.confirmed`: the reservation becomes a sale (onHand and reserved go down together).
 * Idempotent, and safe when the event arrives late: a reservation that is already committed,
 * released (the saga compensated first), restocked or missing is left as it is.
 */
export const commitStock = async (deps: StockDeps, orderId: string): Promise<CommitOutcome> => {
  return retryLostRaces(
    async () => {
      const reservation = await deps.reservations.getReservation(orderId);
      if (!reservation) return 'not-reserved';
      if (reservation.status === 'COMMITTED') return 'already-committed';
      if (reservation.status === 'RELEASED') return 'released';
      if (reservation.status === 'RESTOCKED') return 'restocked';
      const committed = await deps.reservations.commit(reservation, nowOf(deps));
      if (committed === true) return 'committed';
      return LOST_RACE;
    },
    {
      ...CONFLICT_RETRY,
      onExhausted: () =>
        new TransientStockError(`committing stock of order ${orderId} kept conflicting with other writes`),
    },
  );
};

/** Reservations looked at per run of the expiry job; a backlog is worked off over the next runs. */
export const EXPIRY_BATCH = 100;

export interface ExpiryDeps extends StockDeps {
  readonly orders: OrderStatusReader;
}

export interface ExpirySummary extends Record<string, number> {
  readonly expired: number;
  /** The order was confirmed (or is being cancelled): the sale stands, the units are committed. */
  readonly committed: number;
  /** The order was rejected, cancelled or is unknown: the units are available again. */
  readonly released: number;
  /** The order is still PENDING: left to the order service's reconciler, looked at again next run. */
  readonly pending: number;
  /** Settled meanwhile by the saga or the `order.confirmed` consumer. */
  readonly settledMeanwhile: number;
  readonly failed: number;
}

/**
 * The expiry job (every minute): every RESERVED reservation whose hold ended is settled by where its
 * order stands, asked of the order service: a confirmed order's units are committed (the
 * `order.confirmed` consumer would have), a rejected, cancelled or unknown order's are released. Each
 * is the same conditional transition the saga and the consumer use, so a reservation is settled
 * exactly once whoever gets there first. A PENDING order keeps its units: releasing them under a saga
 * that may still confirm would sell stock that is not held; the order's reconciler settles it, and the
 * next run follows.
 */
export const expireReservations = async (deps: ExpiryDeps, now: Date): Promise<ExpirySummary> => {
  const summary = { expired: 0, committed: 0, released: 0, pending: 0, settledMeanwhile: 0, failed: 0 };
  const orderIds = await deps.reservations.listExpired(now.toISOString(), EXPIRY_BATCH);
  summary.expired = orderIds.length;
  if (orderIds.length === 0) return summary;
  const statuses = await deps.orders.statusesOf(orderIds);
  for (const orderId of orderIds) {
    const status = statuses.get(orderId);
    try {
      if (status === 'PENDING') {
        summary.pending += 1;
      } else if (status === 'CONFIRMED' || status === 'CANCELLING') {
        if ((await commitStock(deps, orderId)) === 'committed') summary.committed += 1;
        else summary.settledMeanwhile += 1;
      } else if ((await returnStock(deps, orderId)) === 'released') {
        summary.released += 1;
      } else {
        summary.settledMeanwhile += 1;
      }
    } catch (error) {
      summary.failed += 1;
      getLogger().error('expired reservation could not be settled; the next run tries again', {
        orderId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return summary;
};
