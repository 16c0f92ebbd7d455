import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableError,
} from '@shop/platform/errors';
import type { Payment } from './payment.entity.ts';

export class PaymentNotFoundError extends NotFoundError {
  override readonly code = 'PAYMENT.NOT_FOUND';

  constructor(what: string) {
    super(`${what} has no payment`);
  }
}

/** The operation is not allowed in the payment's current status (capture after void, refund before capture...). */
export class InvalidPaymentTransitionError extends ConflictError {
  override readonly code: string = 'PAYMENT.INVALID_TRANSITION';

  constructor(operation: string, status: string, detail?: string) {
    super(detail ?? `cannot ${operation} a payment that is ${status}`, { extensions: { operation, status } });
  }
}

/** A void the provider refused because it has captured the charge; `payment` is the capture as recorded. */
export class PaymentCapturedError extends InvalidPaymentTransitionError {
  readonly payment: Payment;

  constructor(payment: Payment) {
    super('void', payment.status, 'the provider has captured the charge: refund it instead');
    this.payment = payment;
  }
}

export class RefundExceedsCapturedError extends InvalidPaymentTransitionError {
  override readonly code = 'PAYMENT.REFUND_EXCEEDS_CAPTURED';

  constructor(status: string, remaining: number, currency: string) {
    super(
      'refund',
      status,
      `the refund exceeds what is left to refund (${remaining} ${currency} minor units)`,
    );
  }
}

export class InvalidRefundAmountError extends UnprocessableError {
  override readonly code = 'PAYMENT.INVALID_REFUND_AMOUNT';
}

/** Another invocation is authorizing this order's payment right now. */
export class PaymentInProgressError extends ConflictError {
  override readonly code = 'PAYMENT.IN_PROGRESS';

  constructor(orderId: string) {
    super(`the payment of order ${orderId} is being authorized; retry shortly`);
  }
}

/** An operation was repeated for an order with different input than the first time. */
export class PaymentRequestMismatchError extends ConflictError {
  override readonly code = 'PAYMENT.REQUEST_MISMATCH';

  constructor(orderId: string, fields: readonly string[]) {
    super(`order ${orderId} already has a payment with a different ${fields.join(', ')}`, {
      extensions: { fields: [...fields] },
    });
  }
}

/** The provider declined the payment method; `declineCode` is the provider's (`card_declined`, ...). */
export class PaymentDeclinedError extends UnprocessableError {
  override readonly code = 'PAYMENT.DECLINED';
  readonly declineCode: string;

  constructor(declineCode: string, reason: string) {
    super(`payment declined (${declineCode}): ${reason}`, { extensions: { declineCode } });
    this.declineCode = declineCode;
  }
}

export class PaymentProviderUnavailableError extends ServiceUnavailableError {
  override readonly code = 'PAYMENT.PROVIDER_UNAVAILABLE';

  constructor(cause?: unknown) {
    super('the payment provider is unavailable; retry later', { cause });
  }
}
