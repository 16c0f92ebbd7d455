// Stable names that code and clients share and that need no schema: importing them costs no zod.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://shop.example/problems/';

/** Problem code of a request that carried something that looks like a card number. */
export const CARD_NUMBER_REFUSED = 'PAYMENT.CARD_NUMBER_REFUSED';

/** What the client is told; it never repeats the value it refuses. */
export const CARD_NUMBER_REFUSED_MESSAGE =
  'card numbers are never accepted: tokenize the card with the payment provider and send its payment method token (pm_...)';
