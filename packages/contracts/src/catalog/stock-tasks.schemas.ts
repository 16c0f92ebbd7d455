import * as z from 'zod';
import { Money } from '../money/money.schema.ts';
import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '../saga/saga-task-errors.ts';
import { ProductId, Sku } from './catalog.schemas.ts';

/**
 * Names under which the sagas invoke the catalog's tasks: the checkout saga reserves and releases,
 * the cancel saga restocks (`RestockOrder`).
 */
export const CATALOG_TASKS = {
  reserveStock: 'ReserveStock',
  releaseStock: 'ReleaseStock',
  restockOrder: 'RestockOrder',
} as const;

/**
 * Error names the catalog's tasks fail with (Step Functions matches `ErrorEquals` on them).
 * `OutOfStock` is a domain failure (do not retry): some line is short, or its SKU is unknown or no
 * longer sold. `TransientError` is worth retrying (write conflicts that outlasted the task's own retries).
 */
export const CATALOG_TASK_ERRORS = {
  outOfStock: 'OutOfStock',
  inputInvalid: TASK_INPUT_INVALID,
  transient: TRANSIENT_ERROR,
} as const;

export const OrderId = z.string().min(1).max(128);

/** Most distinct SKUs one order can reserve: one DynamoDB transaction holds 100 items, one is the reservation. */
export const MAX_RESERVATION_LINES = 99;

export const StockLine = z.object({ sku: Sku, quantity: z.number().int().min(1).max(10_000) });
export type StockLine = z.infer<typeof StockLine>;

/** Input of `ReserveStock`. Lines naming the same SKU are added up. */
export const ReserveStockInput = z
  .object({ orderId: OrderId, lines: z.array(StockLine).min(1).max(MAX_RESERVATION_LINES) })
  .meta({ id: 'ReserveStockInput' });
export type ReserveStockInput = z.infer<typeof ReserveStockInput>;

export const ReservedLine = z.object({
  sku: Sku,
  quantity: z.number().int().min(1),
  /** The catalog's price at reservation time: the price the order charges. */
  unitPrice: Money,
  productId: ProductId,
  /** Display name of the line: `<product> (<variant>)`. */
  name: z.string(),
});
export type ReservedLine = z.infer<typeof ReservedLine>;

/** Output of `ReserveStock`; a repeated call for the same order returns the first output. */
export const ReserveStockOutput = z
  .object({ orderId: OrderId, lines: z.array(ReservedLine).min(1) })
  .meta({ id: 'ReserveStockOutput' });
export type ReserveStockOutput = z.infer<typeof ReserveStockOutput>;

export const ReleaseStockInput = z.object({ orderId: OrderId }).meta({ id: 'ReleaseStockInput' });
export type ReleaseStockInput = z.infer<typeof ReleaseStockInput>;

/**
 * What `ReleaseStock` did or found. The order's units go back in every case where it held some:
 * - `released`: the reservation was still open; its units are available again.
 * - `restocked`: the order was already sold (the `order.confirmed` consumer committed it); the sold
 *   units were put back on hand.
 * - `already-released` / `already-restocked`: an earlier call (or the other task) did it; nothing changed.
 * - `not-reserved`: the order reserved nothing.
 * - `committed`: no longer returned (a committed order is now restocked); kept so outputs recorded
 *   by earlier versions still parse.
 */
export const ReleaseOutcome = z.enum([
  'released',
  'already-released',
  'committed',
  'not-reserved',
  'restocked',
  'already-restocked',
]);
export type ReleaseOutcome = z.infer<typeof ReleaseOutcome>;

export const ReleaseStockOutput = z
  .object({ orderId: OrderId, outcome: ReleaseOutcome })
  .meta({ id: 'ReleaseStockOutput' });
export type ReleaseStockOutput = z.infer<typeof ReleaseStockOutput>;

/** Input of `RestockOrder` (the cancel saga, after the refund). */
export const RestockOrderInput = z.object({ orderId: OrderId }).meta({ id: 'RestockOrderInput' });
export type RestockOrderInput = z.infer<typeof RestockOrderInput>;

/**
 * What `RestockOrder` did or found: `restocked` (the sold units are back on hand), `released` (the
 * sale had not been committed yet: the reservation was released instead, and a late `order.confirmed`
 * will not sell it), `already-restocked` / `already-released` (a repeat: nothing changed) or
 * `not-reserved` (the order holds no stock).
 */
export const RestockOutcome = z.enum([
  'restocked',
  'already-restocked',
  'released',
  'already-released',
  'not-reserved',
]);
export type RestockOutcome = z.infer<typeof RestockOutcome>;

/** Output of `RestockOrder`; idempotent by order id. */
export const RestockOrderOutput = z
  .object({ orderId: OrderId, outcome: RestockOutcome })
  .meta({ id: 'RestockOrderOutput' });
export type RestockOrderOutput = z.infer<typeof RestockOrderOutput>;
