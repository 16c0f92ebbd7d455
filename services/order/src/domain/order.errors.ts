import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableError,
} from '@shop/platform/errors';

export class OrderNotFoundError extends NotFoundError {
  override readonly code = 'ORDER.NOT_FOUND';

  constructor(orderId: string) {
    super(`order ${orderId} does not exist`);
  }
}

/** The order's status does not allow the operation (a saga task out of order, a second cancel...). */
export class InvalidOrderTransitionError extends ConflictError {
  override readonly code: string = 'ORDER.INVALID_TRANSITION';

  constructor(operation: string, status: string) {
    super(`cannot ${operation} an order that is ${status}`, { extensions: { operation, status } });
  }
}

export class OrderNotCancellableError extends InvalidOrderTransitionError {
  override readonly code = 'ORDER.NOT_CANCELLABLE';

  constructor(status: string) {
    super('cancel', status);
  }
}

/** Another write changed the order between our read and our write, repeatedly. Worth a retry. */
export class OrderWriteConflictError extends ConflictError {
  override readonly code = 'ORDER.WRITE_CONFLICT';

  constructor(orderId: string) {
    super(`order ${orderId} is being changed by another request; retry`);
  }
}

export class CartEmptyError extends UnprocessableError {
  override readonly code = 'ORDER.CART_EMPTY';

  constructor() {
    super('the cart is empty: add items before checking out');
  }
}

export class MixedCurrenciesError extends UnprocessableError {
  override readonly code = 'ORDER.MIXED_CURRENCIES';

  constructor() {
    super('the cart holds prices in more than one currency; one order is charged in one currency');
  }
}

export class TooManyLinesError extends UnprocessableError {
  override readonly code = 'ORDER.TOO_MANY_LINES';

  constructor(max: number) {
    super(`one order holds at most ${max} different SKUs`);
  }
}

export class InvalidPaymentMethodError extends UnprocessableError {
  override readonly code: string = 'ORDER.INVALID_PAYMENT_METHOD';
}

/** The cart service did not answer in time, failed, or its circuit is open. */
export class CartUnavailableError extends ServiceUnavailableError {
  override readonly code = 'ORDER.CART_UNAVAILABLE';

  constructor(cause?: unknown) {
    super('the cart cannot be read right now; retry later', { cause });
  }
}

/** The saga could not be started (Step Functions unavailable). Retrying with the same key is safe. */
export class SagaUnavailableError extends ServiceUnavailableError {
  override readonly code = 'ORDER.SAGA_UNAVAILABLE';

  constructor(cause?: unknown) {
    super('the order cannot be processed right now; retry later with the same Idempotency-Key', { cause });
  }
}

/** A request with this Idempotency-Key is still being processed. */
export class IdempotencyKeyInUseError extends ConflictError {
  override readonly code = 'ORDER.IDEMPOTENCY_KEY_IN_USE';

  constructor() {
    super('a checkout with this Idempotency-Key is in progress; retry shortly');
  }
}

/** The Idempotency-Key was used before with another body. */
export class IdempotencyKeyReusedError extends UnprocessableError {
  override readonly code = 'ORDER.IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super('this Idempotency-Key was used with a different request body; use a new key for a new checkout');
  }
}
