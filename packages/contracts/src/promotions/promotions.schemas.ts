import * as z from 'zod';
import { defineEvent } from '../events/event-envelope.schema.ts';
import { defineInternalFunction } from '../internal/internal-function.ts';
import { Money } from '../money/money.schema.ts';
import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '../saga/saga-task-errors.ts';

/**
 * A coupon code as shoppers type it: letters, digits, `-` and `_`. Codes are case-insensitive: the
 * service keeps and answers them in upper case, so `summer10` and `SUMMER10` are one promotion.
 */
export const PromotionCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, 'must be 3 to 32 letters, digits, "-" or "_"')
  .transform((code) => code.toUpperCase())
  .meta({ example: 'SUMMER10' });
export type PromotionCode = z.infer<typeof PromotionCode>;

/** The code as stored and answered (already upper case). */
const StoredCode = z.string().min(1).max(32);

const Limit = z.number().int().min(1).max(1_000_000_000);

/** How a promotion discounts: a percentage of the subtotal, or a fixed amount. */
export const PromotionTerms = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('percent'),
    value: z.number().int().min(1).max(100).meta({ description: 'Percent off the subtotal, 1 to 100.' }),
  }),
  z.object({
    kind: z.literal('amount'),
    value: Money.refine((money) => money.amount > 0, 'must be more than zero').meta({
      description: 'Money off the subtotal (never more than the subtotal).',
    }),
  }),
]);
export type PromotionTerms = z.infer<typeof PromotionTerms>;

/**
 * The discount of a promotion on a subtotal, in the subtotal's currency: a percentage rounded down to
 * a whole minor unit, an amount capped at the subtotal. Zero below `minSubtotal` or in another
 * currency. The one rule the cart (display) and the promotions service (redemption) both apply.
 */
export const discountOf = (
  terms: PromotionTerms & { readonly minSubtotal?: Money | undefined },
  subtotal: Money,
): Money => {
  const none = { amount: 0, currency: subtotal.currency };
  if (terms.minSubtotal && !meetsMinimum(subtotal, terms.minSubtotal)) return none;
  if (terms.kind === 'percent') {
    return { amount: Math.floor((subtotal.amount * terms.value) / 100), currency: subtotal.currency };
  }
  if (terms.value.currency !== subtotal.currency) return none;
  return { amount: Math.min(terms.value.amount, subtotal.amount), currency: subtotal.currency };
};

/** A subtotal in the minimum's currency that reaches it. */
export const meetsMinimum = (subtotal: Money, minimum: Money): boolean =>
  subtotal.currency === minimum.currency && subtotal.amount >= minimum.amount;

const Window = {
  startsAt: z.iso.datetime().optional().meta({ description: 'Valid from this instant (default: now).' }),
  endsAt: z.iso.datetime().optional().meta({ description: 'Valid until this instant (default: forever).' }),
  minSubtotal: Money.optional().meta({ description: 'The cart subtotal the code needs.' }),
  maxRedemptions: Limit.optional().meta({ description: 'Orders that may use the code, in all.' }),
  maxPerCustomer: Limit.optional().meta({ description: 'Orders one customer may use it on.' }),
};

const endsAfterStart = (value: { startsAt?: string | null; endsAt?: string | null }) =>
  !value.startsAt || !value.endsAt || Date.parse(value.endsAt) > Date.parse(value.startsAt);

/** `POST /promotions` (admin). */
export const CreatePromotionRequest = z
  .intersection(z.object({ code: PromotionCode, ...Window }), PromotionTerms)
  .refine(endsAfterStart, { message: 'endsAt must be after startsAt', path: ['endsAt'] })
  .meta({
    id: 'CreatePromotionRequest',
    example: { code: 'SUMMER10', kind: 'percent', value: 10, maxRedemptions: 100, maxPerCustomer: 1 },
  });
export type CreatePromotionRequest = z.infer<typeof CreatePromotionRequest>;

/**
 * `PATCH /promotions/{code}` (admin): new dates and limits (`null` removes one), or `active: false`
 * to deactivate (`true` reactivates). The code and its terms never change: create another code.
 */
export const UpdatePromotionRequest = z
  .strictObject({
    startsAt: z.iso.datetime().optional(),
    endsAt: z.iso.datetime().nullable().optional(),
    minSubtotal: Money.nullable().optional(),
    maxRedemptions: Limit.nullable().optional(),
    maxPerCustomer: Limit.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'name at least one field to change')
  .refine(endsAfterStart, { message: 'endsAt must be after startsAt', path: ['endsAt'] })
  .meta({ id: 'UpdatePromotionRequest', example: { maxRedemptions: 50, active: false } });
export type UpdatePromotionRequest = z.infer<typeof UpdatePromotionRequest>;

const EXAMPLE_PROMOTION = {
  code: 'SUMMER10',
  kind: 'percent',
  value: 10,
  startsAt: '2026-06-01T00:00:00.000Z',
  endsAt: '2026-09-01T00:00:00.000Z',
  maxRedemptions: 100,
  maxPerCustomer: 1,
  active: true,
  redemptions: 42,
  createdAt: '2026-05-20T09:00:00.000Z',
  updatedAt: '2026-07-14T18:30:00.000Z',
} as const;

/** A promotion as admins see it. */
export const Promotion = z
  .intersection(
    z.object({
      code: StoredCode,
      startsAt: z.iso.datetime(),
      endsAt: z.iso.datetime().optional(),
      minSubtotal: Money.optional(),
      maxRedemptions: Limit.optional(),
      maxPerCustomer: Limit.optional(),
      active: z.boolean(),
      redemptions: z.number().int().min(0).meta({ description: 'Orders holding the code now.' }),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
    }),
    PromotionTerms,
  )
  .meta({ id: 'Promotion', example: EXAMPLE_PROMOTION });
export type Promotion = z.infer<typeof Promotion>;

export const PromotionPage = z
  .object({ items: z.array(Promotion), nextCursor: z.string().optional() })
  .meta({ id: 'PromotionPage', example: { items: [EXAMPLE_PROMOTION] } });
export type PromotionPage = z.infer<typeof PromotionPage>;

/** Why a code cannot be used now; each is its own problem `code` (`PROMOTION.<reason>`). */
export const PromotionRefusal = z.enum([
  'NOT_FOUND',
  'INACTIVE',
  'NOT_YET_VALID',
  'EXPIRED',
  'BELOW_MINIMUM',
  'EXHAUSTED',
]);
export type PromotionRefusal = z.infer<typeof PromotionRefusal>;

/** The terms a cart keeps of an applied code, to show its discount as the cart changes. */
export const AppliedPromotionTerms = z.intersection(
  z.object({ code: StoredCode, minSubtotal: Money.optional() }),
  PromotionTerms,
);
export type AppliedPromotionTerms = z.infer<typeof AppliedPromotionTerms>;

/** The function reference the cart's definition lists in `invokes`. */
export const CHECK_PROMOTION_FUNCTION = 'promotions.checkPromotion';

/**
 * The internal `checkPromotion` function (Lambda Invoke, never public): may this code be applied to a
 * cart with this subtotal now? A refusal is an answer, not an error, so the cart maps each reason
 * to its own problem.
 */
export const CheckPromotion = defineInternalFunction({
  ref: CHECK_PROMOTION_FUNCTION,
  input: z.object({
    code: PromotionCode,
    subtotal: Money,
    /** A signed-in shopper: their own `maxPerCustomer` count is checked too. */
    customerId: z.string().min(1).max(256).optional(),
  }),
  output: z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('applicable'), terms: AppliedPromotionTerms, discount: Money }),
    z.object({ outcome: z.literal('refused'), reason: PromotionRefusal, detail: z.string() }),
  ]),
});

/** Names under which the sagas invoke the promotions service's tasks. */
export const PROMOTION_TASKS = {
  redeemPromotion: 'RedeemPromotion',
  releasePromotion: 'ReleasePromotion',
} as const;

/**
 * Error names `RedeemPromotion` fails with. `PromotionExhausted`: the code's `maxRedemptions` (or the
 * customer's `maxPerCustomer`) is reached; `PromotionUnavailable`: unknown, inactive, outside its
 * dates, or the reserved subtotal is below its minimum. Both are final (the order is rejected).
 */
export const PROMOTION_TASK_ERRORS = {
  exhausted: 'PromotionExhausted',
  unavailable: 'PromotionUnavailable',
  inputInvalid: TASK_INPUT_INVALID,
  transient: TRANSIENT_ERROR,
} as const;

const OrderId = z.string().min(1).max(128);

/** `RedeemPromotion`: the order's code on the subtotal of its reserved lines (the catalog's prices). */
export const RedeemPromotionInput = z.object({
  orderId: OrderId,
  customerId: z.string().min(1).max(256),
  code: PromotionCode,
  lines: z
    .array(z.object({ quantity: z.number().int().min(1), unitPrice: Money }))
    .min(1)
    .max(100),
});
export type RedeemPromotionInput = z.infer<typeof RedeemPromotionInput>;

/** What the order was granted; a repeated call for the same order answers the first redemption. */
export const RedeemPromotionOutput = z.object({ orderId: OrderId, code: StoredCode, discount: Money });
export type RedeemPromotionOutput = z.infer<typeof RedeemPromotionOutput>;

export const ReleasePromotionInput = z.object({ orderId: OrderId });
export type ReleasePromotionInput = z.infer<typeof ReleasePromotionInput>;

/**
 * `released`: the order's redemption was given back (it counts no more); `already-released`: an
 * earlier call did it; `not-redeemed`: the order redeemed no code (nothing to do).
 */
export const ReleasePromotionOutput = z.object({
  orderId: OrderId,
  outcome: z.enum(['released', 'already-released', 'not-redeemed']),
});
export type ReleasePromotionOutput = z.infer<typeof ReleasePromotionOutput>;

/** Published through the outbox with the redemption, in the same transaction. */
export const PromotionRedeemed = defineEvent(
  'promotions.promotion-redeemed',
  1,
  z.object({ code: StoredCode, orderId: OrderId, customerId: z.string(), discount: Money }),
);

/** Published with the release of a redemption (a failed checkout, a cancelled order). */
export const PromotionReleased = defineEvent(
  'promotions.promotion-released',
  1,
  z.object({ code: StoredCode, orderId: OrderId, customerId: z.string() }),
);
