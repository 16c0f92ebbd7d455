import { describe, expect, it } from 'vitest';
import {
  AuthorizePaymentInput,
  CARD_NUMBER_REFUSED,
  containsCardLikeDigits,
  isCardNumberIssue,
  looksLikeCardNumber,
  PaymentCaptured,
  PaymentMethod,
  passesLuhn,
  RefundRequest,
  TEST_PAYMENT_METHODS,
} from './index.ts';

describe('looksLikeCardNumber', () => {
  it.each([
    '4242424242424242',
    '4242 4242 4242 4242',
    '4242-4242-4242-4242',
    '378282246310005',
    '6011111111111117',
    'pm_4242424242424242',
    'my card is 5555 5555 5555 4444 thanks',
  ])('recognizes %s', (value) => {
    expect(looksLikeCardNumber(value)).toBe(true);
  });

  it.each(['pm_card_visa', '4242', '4242424242424241', '12345678901', 'order-2026-11-26'])(
    'does not flag %s',
    (value) => {
      expect(looksLikeCardNumber(value)).toBe(false);
    },
  );

  it('checks Luhn', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });

  it('treats any run of 12+ digits as card-like, Luhn-valid or not', () => {
    expect(containsCardLikeDigits('4242424242424241')).toBe(true);
    expect(containsCardLikeDigits('1234 5678 9012')).toBe(true);
    expect(containsCardLikeDigits('12345678901')).toBe(false);
  });
});

describe('PaymentMethod', () => {
  it('accepts every test token', () => {
    for (const token of Object.values(TEST_PAYMENT_METHODS)) {
      expect(PaymentMethod.parse(token)).toBe(token);
    }
  });

  it('refuses a card number with the card-number code and without echoing it', () => {
    const result = PaymentMethod.safeParse('4242 4242 4242 4242');
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue && isCardNumberIssue(issue)).toBe(true);
    expect(JSON.stringify(result.error?.issues)).not.toMatch(/4242/);
  });

  it('refuses a token that embeds a card number', () => {
    const issue = PaymentMethod.safeParse('pm_4242424242424242').error?.issues[0];
    expect(issue && isCardNumberIssue(issue)).toBe(true);
  });

  it.each(['card_visa', 'pm_', 'PM_CARD_VISA', `pm_${'a'.repeat(65)}`, 'pm_card visa'])(
    'refuses %s with a fixed message that does not echo it',
    (value) => {
      const result = PaymentMethod.safeParse(value);
      expect(result.success).toBe(false);
      const issue = result.error?.issues[0];
      expect(issue && isCardNumberIssue(issue)).toBe(false);
      expect(issue?.message).toBe(
        'must be a payment method token: pm_ followed by 1 to 64 of a-z, 0-9 and _',
      );
    },
  );

  it('refuses a value that is not a string', () => {
    expect(PaymentMethod.safeParse(4242424242424242).error?.issues[0]?.message).toBe(
      'must be a payment method token such as pm_card_visa',
    );
  });

  it('refuses a card number inside a refund reason', () => {
    const issue = RefundRequest.safeParse({ reason: 'refund to 4000 0566 5566 5556' }).error?.issues[0];
    expect(issue?.path).toEqual(['reason']);
    expect(issue && isCardNumberIssue(issue)).toBe(true);
    expect(issue?.code === 'custom' ? issue.params?.code : undefined).toBe(CARD_NUMBER_REFUSED);
  });
});

describe('payment task and event contracts', () => {
  it('refuses an authorization for zero', () => {
    const input = {
      orderId: 'o-1',
      customerId: 'alice',
      amount: { amount: 0, currency: 'USD' },
      paymentMethod: 'pm_card_visa',
    };
    expect(AuthorizePaymentInput.safeParse(input).success).toBe(false);
    expect(AuthorizePaymentInput.parse({ ...input, amount: { amount: 1, currency: 'USD' } })).toBeTruthy();
  });

  it('names the captured event payment.captured', () => {
    expect(PaymentCaptured.type).toBe('payment.captured');
    expect(
      PaymentCaptured.data.safeParse({ orderId: 'o', paymentId: 'p', amount: { amount: 1, currency: 'USD' } })
        .success,
    ).toBe(true);
  });
});
