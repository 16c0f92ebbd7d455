import {
  AuthorizePaymentInput,
  type AuthorizePaymentOutput,
  CARD_NUMBER_REFUSED_MESSAGE,
  CapturePaymentInput,
  type CapturePaymentOutput,
  isCardNumberIssue,
  PAYMENT_DECLINED,
  PAYMENT_TASK_INPUT_INVALID,
  RefundPaymentInput,
  type RefundPaymentOutput,
  VoidPaymentInput,
  type VoidPaymentOutput,
} from '@shop/contracts/payment';
import type { z } from 'zod';
import type { Payment } from '../domain/payment.entity.ts';
import { PaymentNotFoundError } from '../domain/payment.errors.ts';
import { authorizePayment } from './authorize-payment.use-case.ts';
import { capturePayment } from './capture-payment.use-case.ts';
import type { PaymentDeps } from './payment.deps.ts';
import { PaymentTaskError, toTaskError } from './payment-task.error.ts';
import { refundPayment } from './refund-payment.use-case.ts';
import { voidPayment } from './void-payment.use-case.ts';

/** The refund id of the cancel saga's refund: one per order, so repeating the task refunds once. */
export const SAGA_REFUND_ID = 'cancel-order';

/**
 * Validates a task's input. A payment method that is not a token is a decline (the saga rejects the
 * order), never recorded; the message names the field, never its value.
 */
const parseInput = <T extends z.ZodType>(schema: T, event: unknown): z.infer<T> => {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const issues = result.error.issues;
  if (issues.some(isCardNumberIssue)) {
    throw new PaymentTaskError(PAYMENT_DECLINED, `payment method refused: ${CARD_NUMBER_REFUSED_MESSAGE}`);
  }
  const method = issues.find((issue) => issue.path[0] === 'paymentMethod' && issue.code === 'custom');
  if (method) throw new PaymentTaskError(PAYMENT_DECLINED, `payment method refused: ${method.message}`);
  const detail = issues.map((issue) => `/${issue.path.join('/')}: ${issue.message}`).join('; ');
  throw new PaymentTaskError(PAYMENT_TASK_INPUT_INVALID, `invalid task input: ${detail}`);
};

const output = (payment: Payment) => ({
  orderId: payment.orderId,
  paymentId: payment.id,
  status: payment.status,
});

const mapped =
  <T>(run: (event: unknown) => Promise<T>) =>
  async (event: unknown): Promise<T> => {
    try {
      return await run(event);
    } catch (error) {
      throw toTaskError(error);
    }
  };

/**
 * The four saga tasks over one set of dependencies; each is idempotent by order id. Events they
 * publish carry the order id as correlation id (the saga's execution name).
 */
export const createPaymentTasks = (deps: PaymentDeps) => ({
  authorizePayment: mapped(async (event): Promise<AuthorizePaymentOutput> => {
    const input = parseInput(AuthorizePaymentInput, event);
    return output(await authorizePayment(deps, input));
  }),

  capturePayment: mapped(async (event): Promise<CapturePaymentOutput> => {
    const { orderId } = parseInput(CapturePaymentInput, event);
    return output(await capturePayment(deps, orderId, { correlationId: orderId }));
  }),

  voidPayment: mapped(async (event): Promise<VoidPaymentOutput> => {
    const { orderId } = parseInput(VoidPaymentInput, event);
    const payment = await voidPayment(deps, orderId, 'voided by the checkout saga');
    return payment ? output(payment) : { orderId };
  }),

  /**
   * Refunds the order (everything left, unless `amount`). A payment that is only authorized is voided
   * instead, which returns the money to the customer just the same.
   */
  refundPayment: mapped(async (event): Promise<RefundPaymentOutput> => {
    const input = parseInput(RefundPaymentInput, event);
    const payment = await deps.payments.findByOrderId(input.orderId);
    if (!payment) throw new PaymentNotFoundError(`order ${input.orderId}`);
    const result = await refundForSaga(deps, payment, input);
    return { ...output(result), refundedAmount: result.refundedAmount };
  }),
});

const refundForSaga = async (
  deps: PaymentDeps,
  payment: Payment,
  input: RefundPaymentInput,
): Promise<Payment> => {
  if (payment.refunds[SAGA_REFUND_ID]) return payment;
  if (!input.amount) {
    if (payment.status === 'AUTHORIZED' || payment.status === 'VOIDED') {
      return (await voidPayment(deps, input.orderId, input.reason ?? 'order cancelled')) ?? payment;
    }
    // Already refunded in full (by an admin): nothing is left, which is what the saga wants.
    if (payment.status === 'REFUNDED') return payment;
  }
  return refundPayment(
    deps,
    payment,
    {
      refundId: SAGA_REFUND_ID,
      ...(input.amount ? { amount: input.amount } : {}),
      reason: input.reason ?? 'order cancelled',
    },
    { correlationId: input.orderId },
  );
};

export type PaymentTasks = ReturnType<typeof createPaymentTasks>;
