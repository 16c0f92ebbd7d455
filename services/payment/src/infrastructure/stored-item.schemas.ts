import { Money } from '@shop/contracts';
import { PaymentStatus } from '@shop/contracts/payment';
import * as z from 'zod';
import type { Payment } from '../domain/payment.entity.ts';

const RefundItem = z.object({
  id: z.string(),
  amount: Money,
  at: z.string(),
  reason: z.string().optional(),
  providerReference: z.string(),
});

/**
 * The stored payment: a read checks what it got instead of trusting a cast, so an item written by an
 * older version fails loudly here rather than somewhere downstream. Keys and `kind` are dropped.
 */
const PaymentItem = z.object({
  id: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  amount: Money,
  capturedAmount: Money,
  refundedAmount: Money,
  status: PaymentStatus,
  paymentMethod: z.string(),
  providerReference: z.string().nullable(),
  declineCode: z.string().optional(),
  declineReason: z.string().optional(),
  // The shape only: the dates were written by this service, the API's ISO format check is not repeated.
  history: z.array(z.object({ status: PaymentStatus, at: z.string(), reason: z.string().optional() })),
  refunds: z.record(z.string(), RefundItem),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().min(1),
  leaseUntil: z.number(),
});

export const paymentOf = (item: Record<string, unknown>): Payment => PaymentItem.parse(item);
