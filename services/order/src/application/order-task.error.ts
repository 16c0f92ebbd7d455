import { ORDER_TASK_ERRORS } from '@shop/contracts/order';
import { InvalidOrderTransitionError, OrderNotFoundError } from '../domain/order.errors.ts';

type OrderTaskErrorName = (typeof ORDER_TASK_ERRORS)[keyof typeof ORDER_TASK_ERRORS];

/**
 * An error a saga task throws. Its `name` is the Lambda `errorType` that Step Functions matches against
 * `ErrorEquals`, so it is one of the contract's names.
 */
export class OrderTaskError extends Error {
  constructor(name: OrderTaskErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/**
 * Domain failures keep a final name; anything else (DynamoDB throttling, a lost race, an outage) is a
 * `TransientError` that the saga retries a bounded number of times: every task is idempotent.
 */
export const toTaskError = (error: unknown): OrderTaskError => {
  if (error instanceof OrderTaskError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof OrderNotFoundError) {
    return new OrderTaskError(ORDER_TASK_ERRORS.notFound, message, { cause: error });
  }
  if (error instanceof InvalidOrderTransitionError) {
    return new OrderTaskError(ORDER_TASK_ERRORS.invalidTransition, message, { cause: error });
  }
  return new OrderTaskError(ORDER_TASK_ERRORS.transient, message, { cause: error });
};
