import * as z from 'zod';
import { Money } from '../money/index.ts';
import { TASK_INPUT_INVALID, TRANSIENT_ERROR } from '../saga/saga-task-errors.ts';
import { PaymentResourceId, PaymentStatus, RefundReason } from './payment.schema.ts';
import { PaymentMethod } from './payment-method.schema.ts';

/** Names under which the sagas invoke the payment's tasks (the ASL's `${<Name>FunctionArn}`). */
export const PAYMENT_TASKS = {
  authorizePayment: 'AuthorizePayment',
  capturePayment: 'CapturePayment',
  voidPayment: 'VoidPayment',
  refundPayment: 'RefundPayment',
} as const;

// Error names the payment tasks throw. Step Functions matches a Catch or Retry `ErrorEquals` against
// the Lambda `errorType`, which is the error's `name`, so the ASL and the code share these constants.

/** Domain: the provider declined (or the payment method was refused). Not retryable; reject the order. */
export const PAYMENT_DECLINED = 'PaymentDeclined';
/** Transient: the provider timed out or failed. Retry with backoff. */
export const PAYMENT_PROVIDER_UNAVAILABLE = 'PaymentProviderUnavailable';
/** Transient: another invocation is authorizing this order right now. Retry with backoff. */
export const PAYMENT_IN_PROGRESS = 'PaymentInProgress';
/** Domain: the operation is not allowed in the payment's state (capture after void, refund before capture...). */
export const PAYMENT_INVALID_TRANSITION = 'PaymentInvalidTransition';
/** Domain: the order has no payment. */
export const PAYMENT_NOT_FOUND = 'PaymentNotFound';

export const PaymentTaskErrorName = z.enum([
  PAYMENT_DECLINED,
  PAYMENT_PROVIDER_UNAVAILABLE,
  PAYMENT_IN_PROGRESS,
  PAYMENT_INVALID_TRANSITION,
  PAYMENT_NOT_FOUND,
  // The input does not match its contract, or contradicts the first call for the order.
  TASK_INPUT_INVALID,
  // Anything unrecognised: retried by the saga.
  TRANSIENT_ERROR,
]);
export type PaymentTaskErrorName = z.infer<typeof PaymentTaskErrorName>;

/** The errors a saga should retry (with backoff); every other payment error is final. */
export const RETRYABLE_PAYMENT_ERRORS = [PAYMENT_PROVIDER_UNAVAILABLE, PAYMENT_IN_PROGRESS] as const;

const OrderRef = z.object({ orderId: PaymentResourceId });

/** `AuthorizePayment` input. `amount` is what the order asks for; the payment is for exactly that. */
export const AuthorizePaymentInput = z.object({
  orderId: PaymentResourceId,
  customerId: z.string().min(1).max(256),
  amount: Money.refine((money) => money.amount > 0, 'must be more than zero'),
  paymentMethod: PaymentMethod,
});
export type AuthorizePaymentInput = z.infer<typeof AuthorizePaymentInput>;

/** Output of `AuthorizePayment` and `CapturePayment`: the payment and its state after the task. */
export const PaymentTaskOutput = z.object({
  orderId: z.string(),
  paymentId: z.string(),
  status: PaymentStatus,
});
export type PaymentTaskOutput = z.infer<typeof PaymentTaskOutput>;
export const AuthorizePaymentOutput = PaymentTaskOutput;
export type AuthorizePaymentOutput = PaymentTaskOutput;

export const CapturePaymentInput = OrderRef;
export type CapturePaymentInput = z.infer<typeof CapturePaymentInput>;
export const CapturePaymentOutput = PaymentTaskOutput;
export type CapturePaymentOutput = PaymentTaskOutput;

export const VoidPaymentInput = OrderRef;
export type VoidPaymentInput = z.infer<typeof VoidPaymentInput>;
/** `paymentId` and `status` are absent when the order had no payment (nothing to void). */
export const VoidPaymentOutput = z.object({
  orderId: z.string(),
  paymentId: z.string().optional(),
  status: PaymentStatus.optional(),
});
export type VoidPaymentOutput = z.infer<typeof VoidPaymentOutput>;

/** `RefundPayment` (the cancel saga): no `amount` refunds everything left of the captured amount. */
export const RefundPaymentInput = OrderRef.extend({
  amount: Money.optional(),
  reason: RefundReason.optional(),
});
export type RefundPaymentInput = z.infer<typeof RefundPaymentInput>;
export const RefundPaymentOutput = PaymentTaskOutput.extend({ refundedAmount: Money });
export type RefundPaymentOutput = z.infer<typeof RefundPaymentOutput>;
