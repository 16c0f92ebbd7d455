import {
  PAYMENT_DECLINED,
  PAYMENT_IN_PROGRESS,
  PAYMENT_INVALID_TRANSITION,
  PAYMENT_NOT_FOUND,
  PAYMENT_PROVIDER_UNAVAILABLE,
  PAYMENT_TASK_INPUT_INVALID,
  type PaymentTaskErrorName,
} from '@shop/contracts/payment';
import {
  InvalidPaymentTransitionError,
  InvalidRefundAmountError,
  PaymentDeclinedError,
  PaymentInProgressError,
  PaymentNotFoundError,
  PaymentProviderUnavailableError,
  PaymentRequestMismatchError,
} from '../domain/payment.errors.ts';

/**
 * An error a saga task throws. Its `name` is what Step Functions sees as the Lambda `errorType` and
 * matches against `ErrorEquals`, so it is one of the contract's names (`PaymentDeclined`, ...).
 */
export class PaymentTaskError extends Error {
  constructor(name: PaymentTaskErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

const NAMES: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, PaymentTaskErrorName]> = [
  [PaymentDeclinedError, PAYMENT_DECLINED],
  [PaymentProviderUnavailableError, PAYMENT_PROVIDER_UNAVAILABLE],
  [PaymentInProgressError, PAYMENT_IN_PROGRESS],
  [InvalidPaymentTransitionError, PAYMENT_INVALID_TRANSITION],
  [InvalidRefundAmountError, PAYMENT_INVALID_TRANSITION],
  [PaymentNotFoundError, PAYMENT_NOT_FOUND],
  [PaymentRequestMismatchError, PAYMENT_TASK_INPUT_INVALID],
];

/** The service's errors under their saga names; anything else (an AWS outage...) goes through as it is. */
export const toTaskError = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const entry = NAMES.find(([type]) => error instanceof type);
  return entry ? new PaymentTaskError(entry[1], error.message, { cause: error }) : error;
};
