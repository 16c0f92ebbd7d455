export type { Money } from '@shop/contracts';
export type { PaymentHistoryEntry, PaymentStatus } from '@shop/contracts/payment';

/** A field-level error of a problem document (`pointer` into the request, safe `detail`). */
export interface FieldErrorLike {
  readonly pointer: string;
  readonly detail: string;
}
