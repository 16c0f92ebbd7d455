import { CATALOG_TASK_ERRORS } from '@shop/contracts/catalog';

// The saga's errors are plain errors on purpose: task functions import nothing of the HTTP stack.

/**
 * `ReserveStock`'s domain failure; its `name` is the saga's error name. Unknown SKUs and SKUs no
 * longer sold fail the same way (they have no stock), so the saga has one rejection path; `unknownSkus`
 * says which of `skus` were not sellable at all.
 */
export class OutOfStockError extends Error {
  readonly skus: readonly string[];
  readonly unknownSkus: readonly string[];
  constructor(skus: readonly string[], unknownSkus: readonly string[] = []) {
    super(
      `out of stock: ${skus.map((sku) => (unknownSkus.includes(sku) ? `${sku} (not sold)` : sku)).join(', ')}`,
    );
    this.name = CATALOG_TASK_ERRORS.outOfStock;
    this.skus = skus;
    this.unknownSkus = unknownSkus;
  }
}

/** Write conflicts that outlasted the task's own retries; the saga retries the task. */
export class TransientStockError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = CATALOG_TASK_ERRORS.transient;
  }
}
