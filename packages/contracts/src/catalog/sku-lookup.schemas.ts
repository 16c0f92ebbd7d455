import * as z from 'zod';
import { defineInternalFunction } from '../internal/internal-function.ts';
import { Money } from '../money/money.schema.ts';
import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '../saga/saga-task-errors.ts';
import { ProductId, ProductStatus, Sku } from './catalog.schemas.ts';

/**
 * The catalog's internal `lookupSkus` function (Lambda Invoke, not public): what other services need
 * to know about SKUs when their own replica has nothing, e.g. the cart before any
 * `catalog.product-changed` event reached it.
 */
export const LookupSkusInput = z.object({ skus: z.array(Sku).min(1).max(100) });
export type LookupSkusInput = z.infer<typeof LookupSkusInput>;

export const SkuInfo = z.object({
  sku: Sku,
  productId: ProductId,
  /** Product name and variant name, as the catalog shows them. */
  productName: z.string(),
  variantName: z.string(),
  price: Money,
  /**
   * `archived` when the SKU is not sold: its product is archived, or no longer lists the SKU (a
   * dropped variant). Only `active` SKUs can be ordered.
   */
  status: ProductStatus,
  /** The product's version, to compare with `catalog.product-changed` events. */
  version: z.number().int().min(1),
  /**
   * Units that can be ordered now (`onHand - reserved`), read in the same strongly consistent read.
   * A snapshot for a quick check (the cart's), not a promise: the checkout saga's `ReserveStock` is
   * the authoritative, atomic check.
   */
  available: z.number().int().min(0),
});
export type SkuInfo = z.infer<typeof SkuInfo>;

/** SKUs the catalog does not know are listed in `missing`. */
export const LookupSkusOutput = z.object({ items: z.array(SkuInfo), missing: z.array(Sku) });
export type LookupSkusOutput = z.infer<typeof LookupSkusOutput>;

/** The function reference a definition lists in `invokes`. */
export const LOOKUP_SKUS_FUNCTION = 'catalog.lookupSkus';

/** `lookupSkus` as a contract: what the cart's client sends and parses. */
export const LookupSkus = defineInternalFunction({
  ref: LOOKUP_SKUS_FUNCTION,
  input: LookupSkusInput,
  output: LookupSkusOutput,
});

/**
 * Error names (the Lambda `errorType`) `lookupSkus` fails with: `TaskInputInvalid` when the payload does
 * not match `LookupSkusInput` (a caller bug, do not retry), `TransientError` when DynamoDB kept
 * throttling the read (retry with backoff).
 */
export const LOOKUP_SKUS_ERRORS = { invalidInput: TASK_INPUT_INVALID, transient: TRANSIENT_ERROR } as const;
