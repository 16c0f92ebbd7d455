/**
 * Card-number detection, shared by every service that takes payment input (the order service's
 * checkout, the payment service's tasks and API). A primary account number (PAN) is 12 to 19 digits,
 * often typed with spaces or dashes; Shop never accepts one, it only takes provider tokens (`pm_...`).
 */

/** A run of digits where single spaces or dashes may separate them, as people type card numbers. */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
const MIN_PAN_DIGITS = 12;
const MAX_PAN_DIGITS = 19;

const digitRuns = (value: string): string[] =>
  [...value.matchAll(DIGIT_RUN)].map((match) => match[0].replace(/[ -]/g, ''));

/** The Luhn (mod 10) check every card number satisfies. */
export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
};

/**
 * True when the value contains a run of 12–19 digits (spaces or dashes allowed between them) that
 * passes the Luhn check: something that is very probably a real card number, on its own or inside a
 * longer string (`pm_4242424242424242`).
 *
 * @example
 * looksLikeCardNumber('4242 4242 4242 4242'); // true
 * looksLikeCardNumber('pm_card_visa');        // false
 */
export const looksLikeCardNumber = (value: string): boolean =>
  digitRuns(value).some(
    (run) => run.length >= MIN_PAN_DIGITS && run.length <= MAX_PAN_DIGITS && passesLuhn(run),
  );

/**
 * True when the value contains 12 or more consecutive digits (spaces or dashes allowed between them),
 * Luhn-valid or not. This is the stricter rule input validation applies: a mistyped card number is
 * still a card number, and no legitimate token or free-text reason needs such a run.
 */
export const containsCardLikeDigits = (value: string): boolean =>
  digitRuns(value).some((run) => run.length >= MIN_PAN_DIGITS);
