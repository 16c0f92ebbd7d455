import { z } from 'zod';
import { Money } from '../money/money.schema.ts';
import { ProductId, Sku } from './catalog.schemas.ts';

/** Names under which the checkout saga invokes the catalog's tasks. */
export const CATALOG_TASKS = { reserveStock: 'ReserveStock', releaseStock: 'ReleaseStock' } as const;

/**
 * Error names the catalog's tasks fail with (Step Functions matches `ErrorEquals` on them).
 * `OutOfStock` is a domain failure (do not retry): some line is short, or its SKU is unknown or no
 * longer sold. `TransientError` is worth retrying (write conflicts that outlasted the task's own retries).
 */
export const CATALOG_TASK_ERRORS = { outOfStock: 'OutOfStock', transient: 'TransientError' } as const;

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
 * What `ReleaseStock` found: `released` (units returned now), `already-released`, `committed`
 * (the order was sold; nothing to return) or `not-reserved` (no reservation for the order).
 */
export const ReleaseOutcome = z.enum(['released', 'already-released', 'committed', 'not-reserved']);
export type ReleaseOutcome = z.infer<typeof ReleaseOutcome>;

export const ReleaseStockOutput = z
  .object({ orderId: OrderId, outcome: ReleaseOutcome })
  .meta({ id: 'ReleaseStockOutput' });
export type ReleaseStockOutput = z.infer<typeof ReleaseStockOutput>;
