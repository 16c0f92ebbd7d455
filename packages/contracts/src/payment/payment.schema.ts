import * as z from 'zod';
import { Money } from '../money/index.ts';
import { PageQuery } from '../pagination/index.ts';
import { noCardNumber } from './payment-method.schema.ts';

/** Ids that other services hand to payment (order ids, payment ids): safe as key parts and in URLs. */
export const PaymentResourceId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 of A-Z, a-z, 0-9, _ and -')
  .meta({ example: 'ord_5f2c9a7e1b3d4c6a8e0f2b4d' });

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** The captured payment of the order example of `@shop/contracts/order`. */
const EXAMPLE_PAYMENT = {
  id: '3d8f2a61-5b4c-4e9a-9c7d-1f0e2b3a4c5d',
  orderId: 'ord_5f2c9a7e1b3d4c6a8e0f2b4d',
  amount: usd(5351),
  capturedAmount: usd(5351),
  refundedAmount: usd(0),
  status: 'CAPTURED',
  paymentMethod: 'pm_card_visa',
  providerReference: 'auth_sim_8c1e4b0f2d6a4f3e9b7c5a1d0e2f4b6c',
  history: [
    { status: 'PENDING', at: '2026-12-01T10:16:00.050Z' },
    { status: 'AUTHORIZED', at: '2026-12-01T10:16:00.090Z' },
    { status: 'CAPTURED', at: '2026-12-01T10:16:00.170Z' },
  ],
  createdAt: '2026-12-01T10:16:00.050Z',
  updatedAt: '2026-12-01T10:16:00.170Z',
};

/**
 * `PENDING`: the authorization is under way (a transient state a reader may briefly see).
 * `AUTHORIZED -> CAPTURED -> REFUNDED` (fully refunded; a partial refund leaves it `CAPTURED` with a
 * `refundedAmount`), `AUTHORIZED -> VOIDED`, `PENDING -> DECLINED`.
 */
export const PaymentStatus = z
  .enum(['PENDING', 'AUTHORIZED', 'CAPTURED', 'VOIDED', 'REFUNDED', 'DECLINED'])
  .meta({ id: 'PaymentStatus' });
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const PaymentHistoryEntry = z
  .object({
    status: PaymentStatus,
    at: z.iso.datetime(),
    reason: z.string().optional(),
  })
  .meta({ id: 'PaymentHistoryEntry', description: 'One change of the payment, oldest first.' });
export type PaymentHistoryEntry = z.infer<typeof PaymentHistoryEntry>;

/** A payment of an order, as `GET /payments` and `POST /payments/{paymentId}/refund` return it. */
export const Payment = z
  .object({
    id: z.string(),
    orderId: z.string(),
    amount: Money.describe('What the order asked for; authorized and captured in full.'),
    capturedAmount: Money,
    refundedAmount: Money,
    status: PaymentStatus,
    paymentMethod: z.string().meta({ description: 'The provider token (not a secret), e.g. pm_card_visa.' }),
    providerReference: z
      .string()
      .nullable()
      .meta({ description: "The provider's reference of the authorization; null while PENDING." }),
    history: z.array(PaymentHistoryEntry),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Payment', example: EXAMPLE_PAYMENT });
export type Payment = z.infer<typeof Payment>;

export const PaymentPage = z
  .object({ items: z.array(Payment), nextCursor: z.string().optional() })
  .meta({ id: 'PaymentPage', example: { items: [EXAMPLE_PAYMENT] } });
export type PaymentPage = z.infer<typeof PaymentPage>;

/** `GET /payments?orderId=&limit=&cursor=`. */
export const ListPaymentsQuery = PageQuery.extend({ orderId: PaymentResourceId });
export type ListPaymentsQuery = z.infer<typeof ListPaymentsQuery>;

/** Free text stored with a refund: bounded, and never a card number. */
export const RefundReason = noCardNumber(z.string().trim().min(1).max(500));

/** `POST /payments/{paymentId}/refund`: no `amount` refunds whatever is left of the captured amount. */
export const RefundRequest = z
  .object({
    amount: Money.optional(),
    reason: RefundReason.optional(),
  })
  .meta({ id: 'RefundRequest', example: { amount: usd(2200), reason: 'One cap arrived damaged' } });
export type RefundRequest = z.infer<typeof RefundRequest>;
