import * as z from 'zod';
import { defineInternalFunction } from '../internal/internal-function.ts';
import { Money } from '../money/money.schema.ts';
import { TASK_INPUT_INVALID } from '../saga/saga-task-errors.ts';

/**
 * The cart's internal `checkoutView` function (invoked by the order service with the Lambda Invoke
 * API, never exposed publicly): the customer's cart as checkout needs it.
 */
export const CheckoutViewInput = z.object({ customerId: z.string().min(1).max(128) });
export type CheckoutViewInput = z.infer<typeof CheckoutViewInput>;

export const CheckoutViewLine = z.object({
  sku: z.string(),
  productId: z.string(),
  name: z.string(),
  quantity: z.number().int().min(1).max(99),
  /** The price the customer saw; the saga's ReserveStock returns the authoritative one. */
  unitPrice: Money,
});
export type CheckoutViewLine = z.infer<typeof CheckoutViewLine>;

/** An empty cart has `items: []`; the order service refuses it. */
export const CheckoutViewOutput = z.object({
  cartId: z.string().nullable(),
  customerId: z.string(),
  items: z.array(CheckoutViewLine),
  subtotal: Money,
  /** The promotion code applied to the cart, if any; the checkout saga redeems it. */
  promotionCode: z.string().min(1).max(32).optional(),
});
export type CheckoutViewOutput = z.infer<typeof CheckoutViewOutput>;

/** The function reference order's definition lists in `invokes`. */
export const CHECKOUT_VIEW_FUNCTION = 'cart.checkoutView';

/** `checkoutView` as a contract: what the order's client sends and parses. */
export const CheckoutView = defineInternalFunction({
  ref: CHECKOUT_VIEW_FUNCTION,
  input: CheckoutViewInput,
  output: CheckoutViewOutput,
});

/**
 * Error names (`errorType` of the Lambda Invoke answer) the `checkoutView` function fails with:
 * `CatalogUnavailable` is transient (the cart could not price a line; retry later), an invalid input
 * is a caller's bug.
 */
export const CHECKOUT_VIEW_ERRORS = {
  catalogUnavailable: 'CatalogUnavailable',
  invalidInput: TASK_INPUT_INVALID,
} as const;
