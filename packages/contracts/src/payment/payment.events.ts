import * as z from 'zod';
import { defineEvent } from '../events/index.ts';
import { Money } from '../money/index.ts';

/** `payment.captured`: the order's money was taken; published once per payment. */
export const PaymentCaptured = defineEvent(
  'payment.captured',
  1,
  z.object({
    orderId: z.string(),
    paymentId: z.string(),
    amount: Money,
  }),
);
export type PaymentCapturedData = z.infer<typeof PaymentCaptured.data>;

/** `payment.refunded`: one refund, full or partial; published once per refund. */
export const PaymentRefunded = defineEvent(
  'payment.refunded',
  1,
  z.object({
    orderId: z.string(),
    paymentId: z.string(),
    refundId: z.string(),
    /** This refund. */
    amount: Money,
    /** Everything refunded so far, this refund included. */
    refundedAmount: Money,
    /** True when `refundedAmount` reached the captured amount (the payment is then `REFUNDED`). */
    fullyRefunded: z.boolean(),
    reason: z.string().optional(),
  }),
);
export type PaymentRefundedData = z.infer<typeof PaymentRefunded.data>;
