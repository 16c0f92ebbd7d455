import { ServiceUnavailableError, UnprocessableError } from '@shop/platform/errors';

/**
 * The mail service refused this message for good (an address it will not deliver to, a sender it
 * does not accept, SES's sandbox): sending it again would fail again.
 */
export class EmailRejectedError extends UnprocessableError {
  override readonly code = 'NOTIFICATIONS.EMAIL_REJECTED';
}

/** The order an event names could not be read right now (the order service is slow or down): retried. */
export class OrderUnavailableError extends ServiceUnavailableError {
  override readonly code = 'NOTIFICATIONS.ORDER_UNAVAILABLE';
  constructor(orderId: string, cause: unknown) {
    super(`order ${orderId} cannot be read right now`, { cause });
  }
}
