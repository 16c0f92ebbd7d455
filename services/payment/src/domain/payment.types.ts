export type { Money } from '@shop/contracts';
export {
  CARD_NUMBER_REFUSED,
  CARD_NUMBER_REFUSED_MESSAGE,
  type PaymentHistoryEntry,
  type PaymentStatus,
} from '@shop/contracts/payment';

/** A field-level error of a problem document (`pointer` into the request, safe `detail`). */
export interface FieldErrorLike {
  readonly pointer: string;
  readonly detail: string;
}
