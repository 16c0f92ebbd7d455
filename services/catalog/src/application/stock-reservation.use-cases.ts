import type { ReleaseStockOutput, ReserveStockInput, ReserveStockOutput } from '@shop/contracts/catalog';
import { lineNameOf, mergeLines, type Reservation } from '../domain/stock.entity.ts';
import { OutOfStockError, TransientStockError } from '../domain/stock.errors.ts';
import { type CatalogDeps, nowOf } from './catalog.deps.ts';

/** The stock tasks need only the reservations (their functions bundle nothing else). */
export type StockDeps = Pick<CatalogDeps, 'reservations' | 'now'>;

import { backoff, CONFLICT_ATTEMPTS } from './conflict-retry.policy.ts';

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
  for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await backoff(attempt);
    const { reservation: existing, stock } = await deps.reservations.load(input.orderId, skus);
    if (existing) return outputOf(existing);

    const unknown = lines.filter((line) => stock.get(line.sku)?.status !== 'active').map((line) => line.sku);
    if (unknown.length > 0) throw new OutOfStockError(unknown, unknown);
    // Reject early when the read already shows a shortage: no write needed to know the answer.
    const short = lines.filter((line) => (stock.get(line.sku)?.available ?? 0) < line.quantity);
    if (short.length > 0) throw new OutOfStockError(short.map((line) => line.sku));

    const at = nowOf(deps).toISOString();
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
    };
    const result = await deps.reservations.reserve(reservation);
    switch (result.kind) {
      case 'reserved':
        return outputOf(reservation);
      case 'short':
        throw new OutOfStockError(result.skus);
      case 'exists':
        // A concurrent run of the same task won; the next load returns its reservation.
        continue;
      case 'conflict':
        continue;
    }
  }
  throw new TransientStockError(
    `reserving stock for order ${input.orderId} kept conflicting with other writes`,
  );
};

/**
 * The saga's `ReleaseStock`: gives an order's reserved units back. A no-op (with the reason as the
 * outcome) when the order reserved nothing, was already released, or was already sold.
 */
export const releaseStock = async (deps: StockDeps, orderId: string): Promise<ReleaseStockOutput> => {
  for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await backoff(attempt);
    const reservation = await deps.reservations.getReservation(orderId);
    if (!reservation) return { orderId, outcome: 'not-reserved' };
    if (reservation.status === 'RELEASED') return { orderId, outcome: 'already-released' };
    if (reservation.status === 'COMMITTED') return { orderId, outcome: 'committed' };
    const released = await deps.reservations.release(reservation, nowOf(deps));
    if (released === true) return { orderId, outcome: 'released' };
    // false: someone settled it meanwhile (read it again); 'conflict': retry.
  }
  throw new TransientStockError(`releasing stock of order ${orderId} kept conflicting with other writes`);
};

export type CommitOutcome = 'committed' | 'already-committed' | 'released' | 'not-reserved';

/**
 * On `order.confirmed`: the reservation becomes a sale (onHand and reserved go down together).
 * Idempotent: a reservation that is already committed, released or missing is left as it is.
 */
export const commitStock = async (deps: StockDeps, orderId: string): Promise<CommitOutcome> => {
  for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await backoff(attempt);
    const reservation = await deps.reservations.getReservation(orderId);
    if (!reservation) return 'not-reserved';
    if (reservation.status === 'COMMITTED') return 'already-committed';
    if (reservation.status === 'RELEASED') return 'released';
    const committed = await deps.reservations.commit(reservation, nowOf(deps));
    if (committed === true) return 'committed';
  }
  throw new TransientStockError(`committing stock of order ${orderId} kept conflicting with other writes`);
};
