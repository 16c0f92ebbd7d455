import * as z from 'zod';
import { CARD_NUMBER_REFUSED, CARD_NUMBER_REFUSED_MESSAGE } from '../codes/codes.ts';
import { containsCardLikeDigits } from './card-number.guard.ts';

/** A payment method token of the provider: `pm_` then lower-case letters, digits and `_`. */
export const PAYMENT_METHOD_PATTERN = /^pm_[a-z0-9_]{1,64}$/;

export { CARD_NUMBER_REFUSED, CARD_NUMBER_REFUSED_MESSAGE };

/** The test tokens of the simulated provider. */
export const TEST_PAYMENT_METHODS = {
  /** Approves. */
  visa: 'pm_card_visa',
  /** Declines (`card_declined`). */
  declined: 'pm_card_declined',
  /** Declines (`insufficient_funds`). */
  insufficientFunds: 'pm_card_insufficient_funds',
  /** Fails transiently on the first two authorization attempts of a payment, then approves. */
  flaky: 'pm_card_flaky',
} as const;

/**
 * A zod issue raised by {@link PaymentMethod} or {@link noCardNumber} carries this in `params.code`, so
 * an app can turn it into a `PAYMENT.CARD_NUMBER_REFUSED` problem instead of a generic validation one.
 */
export const isCardNumberIssue = (issue: { code: string; params?: unknown }): boolean =>
  issue.code === 'custom' &&
  typeof issue.params === 'object' &&
  issue.params !== null &&
  (issue.params as { code?: unknown }).code === CARD_NUMBER_REFUSED;

const refuseCardNumbers = (value: string, ctx: z.RefinementCtx): void => {
  if (containsCardLikeDigits(value)) {
    ctx.addIssue({
      code: 'custom',
      message: CARD_NUMBER_REFUSED_MESSAGE,
      params: { code: CARD_NUMBER_REFUSED },
    });
  }
};

/**
 * A free-text schema that refuses card numbers (for reasons, notes...). Messages never echo the value.
 *
 * @example const RefundRequest = z.object({ reason: noCardNumber(z.string().max(500)).optional() });
 */
export const noCardNumber = (schema: z.ZodString) => schema.superRefine(refuseCardNumbers);

/**
 * A payment method token such as `pm_card_visa`. Anything with 12+ digits is refused with an issue
 * whose `params.code` is {@link CARD_NUMBER_REFUSED}; anything else not matching
 * {@link PAYMENT_METHOD_PATTERN} gets a message that, like every message here, does not echo the value.
 */
export const PaymentMethod = z
  .string({ error: 'must be a payment method token such as pm_card_visa' })
  .superRefine((value, ctx) => {
    if (containsCardLikeDigits(value)) {
      refuseCardNumbers(value, ctx);
      return;
    }
    if (!PAYMENT_METHOD_PATTERN.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a payment method token: pm_ followed by 1 to 64 of a-z, 0-9 and _',
      });
    }
  })
  .meta({
    id: 'PaymentMethod',
    description:
      'A payment method token of the provider (test tokens: pm_card_visa, pm_card_declined, pm_card_insufficient_funds, pm_card_flaky). Card numbers are refused.',
    example: 'pm_card_visa',
  });
export type PaymentMethod = z.infer<typeof PaymentMethod>;
