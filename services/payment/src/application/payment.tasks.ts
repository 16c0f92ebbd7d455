import {
  AuthorizePaymentInput,
  type AuthorizePaymentOutput,
  CARD_NUMBER_REFUSED_MESSAGE,
  CapturePaymentInput,
  type CapturePaymentOutput,
  isCardNumberIssue,
  PAYMENT_DECLINED,
  PAYMENT_IN_PROGRESS,
  PAYMENT_INVALID_TRANSITION,
  PAYMENT_NOT_FOUND,
  PAYMENT_PROVIDER_UNAVAILABLE,
  PAYMENT_TASKS,
  RefundPaymentInput,
  type RefundPaymentOutput,
  VoidPaymentInput,
  type VoidPaymentOutput,
} from '@shop/contracts/payment';
import { TASK_INPUT_INVALID } from '@shop/contracts/saga';
import { defineSagaTask, SagaTaskError, type TaskErrorNames, type TaskInvocation } from '@shop/platform/task';
import type * as z from 'zod';
import type { Payment } from '../domain/payment.entity.ts';
import {
  InvalidPaymentTransitionError,
  InvalidRefundAmountError,
  PaymentCapturedError,
  PaymentDeclinedError,
  PaymentInProgressError,
  PaymentNotFoundError,
  PaymentProviderUnavailableError,
  PaymentRequestMismatchError,
} from '../domain/payment.errors.ts';
import { authorizePayment } from './authorize-payment.use-case.ts';
import { capturePayment } from './capture-payment.use-case.ts';
import type { PaymentDeps } from './payment.deps.ts';
import { refundPayment } from './refund-payment.use-case.ts';
import { voidPayment } from './void-payment.use-case.ts';

/** The refund id of the cancel saga's refund: one per order, so repeating the task refunds once. */
export const SAGA_REFUND_ID = 'cancel-order';

/**
 * A payment method that is not a token is a decline (the saga rejects the order), never recorded;
 * the message names the field, never its value. Any other bad input is `TaskInputInvalid`.
 */
const refuseInput = (error: z.ZodError): SagaTaskError | undefined => {
  const issues = error.issues;
  if (issues.some(isCardNumberIssue)) {
    return new SagaTaskError(PAYMENT_DECLINED, `payment method refused: ${CARD_NUMBER_REFUSED_MESSAGE}`);
  }
  const method = issues.find((issue) => issue.path[0] === 'paymentMethod' && issue.code === 'custom');
  return method
    ? new SagaTaskError(PAYMENT_DECLINED, `payment method refused: ${method.message}`)
    : undefined;
};

/** The service's domain errors under the names the sagas catch; anything else is a `TransientError`. */
const PAYMENT_TASK_ERROR_NAMES: TaskErrorNames = [
  [PaymentDeclinedError, PAYMENT_DECLINED],
  [PaymentProviderUnavailableError, PAYMENT_PROVIDER_UNAVAILABLE],
  [PaymentInProgressError, PAYMENT_IN_PROGRESS],
  [InvalidPaymentTransitionError, PAYMENT_INVALID_TRANSITION],
  [InvalidRefundAmountError, PAYMENT_INVALID_TRANSITION],
  [PaymentNotFoundError, PAYMENT_NOT_FOUND],
  [PaymentRequestMismatchError, TASK_INPUT_INVALID],
];

const output = (payment: Payment) => ({
  orderId: payment.orderId,
  paymentId: payment.id,
  status: payment.status,
});

const task = <TInput extends z.ZodType, TOutput>(
  name: string,
  input: TInput,
  run: (input: z.infer<TInput>, invocation: TaskInvocation) => Promise<TOutput>,
) => defineSagaTask({ name, input, errors: PAYMENT_TASK_ERROR_NAMES, refuseInput, run });

/**
 * The four saga tasks over one set of dependencies; each is idempotent by order id. Events they
 * publish carry the saga's correlation id (the shopper request's).
 */
export const createPaymentTasks = (deps: PaymentDeps) => ({
  authorizePayment: task(
    PAYMENT_TASKS.authorizePayment,
    AuthorizePaymentInput,
    async (input): Promise<AuthorizePaymentOutput> => {
      return output(await authorizePayment(deps, input));
    },
  ),

  capturePayment: task(
    PAYMENT_TASKS.capturePayment,
    CapturePaymentInput,
    async ({ orderId }, invocation): Promise<CapturePaymentOutput> => {
      return output(await capturePayment(deps, orderId, { correlationId: invocation.correlationId }));
    },
  ),

  voidPayment: task(
    PAYMENT_TASKS.voidPayment,
    VoidPaymentInput,
    async ({ orderId }, invocation): Promise<VoidPaymentOutput> => {
      const payment = await voidPayment(
        deps,
        orderId,
        { correlationId: invocation.correlationId },
        'voided by the checkout saga',
      );
      return payment ? output(payment) : { orderId };
    },
  ),

  /**
   * Refunds the order (everything left, unless `amount`). A payment that is only authorized is voided
   * instead, which returns the money to the customer just the same.
   */
  refundPayment: task(
    PAYMENT_TASKS.refundPayment,
    RefundPaymentInput,
    async (input, invocation): Promise<RefundPaymentOutput> => {
      const payment = await deps.payments.findByOrderId(input.orderId);
      if (!payment) throw new PaymentNotFoundError(`order ${input.orderId}`);
      const result = await refundForSaga(deps, payment, input, invocation.correlationId);
      return { ...output(result), refundedAmount: result.refundedAmount };
    },
  ),
});

const refundForSaga = async (
  deps: PaymentDeps,
  payment: Payment,
  input: RefundPaymentInput,
  correlationId: string,
): Promise<Payment> => {
  if (payment.refunds[SAGA_REFUND_ID]) return payment;
  let current = payment;
  if (!input.amount) {
    if (current.status === 'AUTHORIZED' || current.status === 'VOIDED') {
      try {
        return (
          (await voidPayment(deps, input.orderId, { correlationId }, input.reason ?? 'order cancelled')) ??
          current
        );
      } catch (error) {
        // The provider had captured it (the capture's answer was lost): refund the capture instead.
        if (!(error instanceof PaymentCapturedError)) throw error;
        current = error.payment;
      }
    }
    // Already refunded in full (by an admin): nothing is left, which is what the saga wants.
    if (current.status === 'REFUNDED') return current;
  }
  return refundPayment(
    deps,
    current,
    {
      refundId: SAGA_REFUND_ID,
      ...(input.amount ? { amount: input.amount } : {}),
      reason: input.reason ?? 'order cancelled',
    },
    { correlationId },
  );
};

export type PaymentTasks = ReturnType<typeof createPaymentTasks>;
