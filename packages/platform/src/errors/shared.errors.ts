import { CARD_NUMBER_REFUSED, CARD_NUMBER_REFUSED_MESSAGE } from '@shop/contracts/codes';
import { BadRequestError, UnprocessableError } from './app-error.ts';

/**
 * A page cursor this list did not issue (edited, truncated, another list's or another customer's).
 * Its code names the service: `ORDER.INVALID_CURSOR`.
 */
export class InvalidCursorError extends BadRequestError {
  override readonly code: string;

  constructor(service: string) {
    super('the cursor is not valid for this list; start again without it');
    this.code = `${service.toUpperCase()}.INVALID_CURSOR`;
  }
}

/** Something that looks like a card number reached a service. The value is never repeated. */
export class CardNumberRefusedError extends UnprocessableError {
  override readonly code = CARD_NUMBER_REFUSED;

  constructor(errors: readonly { readonly pointer: string; readonly detail: string }[] = []) {
    super(
      CARD_NUMBER_REFUSED_MESSAGE,
      errors.length > 0 ? { extensions: { errors: [...errors] } } : undefined,
    );
  }
}
