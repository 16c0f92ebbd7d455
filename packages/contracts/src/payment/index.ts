export { containsCardLikeDigits, looksLikeCardNumber, passesLuhn } from './card-number.guard.ts';
export {
  PaymentCaptured,
  type PaymentCapturedData,
  PaymentRefunded,
  type PaymentRefundedData,
} from './payment.events.ts';
export {
  ListPaymentsQuery,
  Payment,
  PaymentHistoryEntry,
  PaymentPage,
  PaymentResourceId,
  PaymentStatus,
  RefundReason,
  RefundRequest,
} from './payment.schema.ts';
export {
  CARD_NUMBER_REFUSED,
  CARD_NUMBER_REFUSED_MESSAGE,
  isCardNumberIssue,
  noCardNumber,
  PAYMENT_METHOD_PATTERN,
  PaymentMethod,
  TEST_PAYMENT_METHODS,
} from './payment-method.schema.ts';
export {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  PAYMENT_DECLINED,
  PAYMENT_IN_PROGRESS,
  PAYMENT_INVALID_TRANSITION,
  PAYMENT_NOT_FOUND,
  PAYMENT_PROVIDER_UNAVAILABLE,
  PAYMENT_TASKS,
  PaymentTaskErrorName,
  PaymentTaskOutput,
  RETRYABLE_PAYMENT_ERRORS,
  RefundPaymentInput,
  RefundPaymentOutput,
  VoidPaymentInput,
  VoidPaymentOutput,
} from './payment-task.schema.ts';
