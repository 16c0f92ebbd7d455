import * as z from 'zod';
import { Money } from '../money/money.schema.ts';
import { PageQuery } from '../pagination/pagination.schema.ts';
import { PaymentMethod } from '../payment/payment-method.schema.ts';
import { CountryCode } from './country-code.schema.ts';

/** What the order service makes of a customer and an idempotency key: `ord_` and 24 hex digits. */
const EXAMPLE_ORDER_ID = 'ord_5f2c9a7e1b3d4c6a8e0f2b4d';

const EXAMPLE_ADDRESS = {
  name: 'Alice Example',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** A confirmed order of two canvas caps: the example of the order schemas. */
const EXAMPLE_ORDER = {
  id: EXAMPLE_ORDER_ID,
  customerId: 'alice',
  status: 'CONFIRMED',
  lines: [
    {
      sku: 'CAP-CANVAS-KHA',
      productId: 'prd-canvas-cap',
      name: 'Canvas Cap (Khaki)',
      quantity: 2,
      unitPrice: usd(2200),
      lineTotal: usd(4400),
    },
  ],
  totals: { subtotal: usd(4400), discount: usd(0), shipping: usd(599), tax: usd(352), total: usd(5351) },
  shippingAddress: EXAMPLE_ADDRESS,
  paymentMethod: 'pm_card_visa',
  email: 'alice@example.com',
  statusHistory: [
    { status: 'PENDING', at: '2026-12-01T10:16:00.000Z' },
    { status: 'CONFIRMED', at: '2026-12-01T10:16:00.180Z' },
  ],
  createdAt: '2026-12-01T10:16:00.000Z',
  updatedAt: '2026-12-01T10:16:00.180Z',
};

/** Order ids (also the checkout saga's execution name): URL- and key-safe. */
export const OrderId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 of A-Z, a-z, 0-9, _ and -')
  .meta({ example: EXAMPLE_ORDER_ID });
export type OrderId = z.infer<typeof OrderId>;

/** A customer's email address, as a token's `email` claim carries it (RFC 5321 caps it at 254). */
export const CustomerEmail = z.email().max(254);

const text = (max: number) => z.string().trim().min(1).max(max);

export const ShippingAddress = z
  .object({
    name: text(200),
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    region: text(100).optional(),
    postalCode: text(20),
    country: CountryCode,
  })
  .meta({ id: 'ShippingAddress', example: EXAMPLE_ADDRESS });
export type ShippingAddress = z.infer<typeof ShippingAddress>;

/**
 * `PENDING -> CONFIRMED | REJECTED`; `CONFIRMED -> CANCELLING -> CANCELLED` (the cancel saga; back to
 * `CONFIRMED` if the refund fails); `CONFIRMED -> CANCELLED` when the checkout saga cannot capture.
 */
export const OrderStatus = z
  .enum(['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLING', 'CANCELLED'])
  .meta({ id: 'OrderStatus' });
export type OrderStatus = z.infer<typeof OrderStatus>;

/** Why an order is `REJECTED` or `CANCELLED` (`statusReason`). */
export const OrderStatusReason = z
  .enum([
    'OUT_OF_STOCK',
    'PAYMENT_DECLINED',
    'PAYMENT_FAILED',
    'CHECKOUT_FAILED',
    /** The checkout saga ended (failed, timed out, stopped) without settling the order; the reconciler compensated. */
    'CHECKOUT_ABANDONED',
    'PROMOTION_EXHAUSTED',
    'PROMOTION_UNAVAILABLE',
    'CANCELLED_BY_CUSTOMER',
    'CANCELLED_BY_ADMIN',
  ])
  .meta({ id: 'OrderStatusReason' });
export type OrderStatusReason = z.infer<typeof OrderStatusReason>;

export const OrderLine = z
  .object({
    sku: z.string(),
    productId: z.string(),
    name: z.string(),
    quantity: z.number().int().min(1),
    unitPrice: Money,
    /** `unitPrice * quantity`. */
    lineTotal: Money,
  })
  .meta({ id: 'OrderLine' });
export type OrderLine = z.infer<typeof OrderLine>;

export const OrderTotals = z
  .object({ subtotal: Money, discount: Money, shipping: Money, tax: Money, total: Money })
  .meta({
    id: 'OrderTotals',
    description:
      'subtotal = sum of line totals; discount = what the promotion code took off the subtotal (zero without one); shipping is flat when subtotal - discount is below the free-shipping threshold; tax is a flat rate of subtotal - discount, rounded half up to a minor unit; total = subtotal - discount + shipping + tax.',
  });
export type OrderTotals = z.infer<typeof OrderTotals>;

export const OrderStatusEntry = z
  .object({
    status: OrderStatus,
    at: z.iso.datetime(),
    /** A status reason, or what happened without a change of status (`PRICED`, `PAYMENT_REFUNDED`...). */
    reason: z.string().optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'OrderStatusEntry', description: 'One step of the order, oldest first.' });
export type OrderStatusEntry = z.infer<typeof OrderStatusEntry>;

export const Order = z
  .object({
    id: OrderId,
    customerId: z.string(),
    status: OrderStatus,
    statusReason: OrderStatusReason.optional(),
    lines: z.array(OrderLine),
    totals: OrderTotals,
    promotionCode: z.string().optional().meta({ description: 'The promotion code the order redeemed.' }),
    shippingAddress: ShippingAddress,
    paymentMethod: z.string().meta({ description: 'The provider token (not a secret), e.g. pm_card_visa.' }),
    email: CustomerEmail.optional().meta({
      description:
        "The `email` claim of the customer's token at checkout: where the order's emails go. Absent when the token had none.",
    }),
    /** What `payment.refunded` events reported so far, when any. */
    refundedAmount: Money.optional(),
    statusHistory: z.array(OrderStatusEntry),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Order', example: EXAMPLE_ORDER });
export type Order = z.infer<typeof Order>;

export const OrderPage = z
  .object({ items: z.array(Order), nextCursor: z.string().optional() })
  .meta({ id: 'OrderPage', example: { items: [EXAMPLE_ORDER] } });
export type OrderPage = z.infer<typeof OrderPage>;

/** `POST /checkout` body. Card numbers are refused (422), never echoed. */
export const CheckoutRequest = z
  .object({ shippingAddress: ShippingAddress, paymentMethod: PaymentMethod })
  .meta({
    id: 'CheckoutRequest',
    example: { shippingAddress: EXAMPLE_ADDRESS, paymentMethod: 'pm_card_visa' },
  });
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

/** The `Idempotency-Key` header of `POST /checkout`. */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1 to 128 of A-Z, a-z, 0-9, _, ., : and -')
  .meta({
    description:
      'Required. The same key with the same body replays the first response; with another body it is a 422.',
    example: '6f1c2d0e-checkout-1',
  });

/** `202` answer of `POST /checkout` (the saga then decides: `GET /orders/{orderId}` shows the outcome). */
export const CheckoutAccepted = z
  .object({ orderId: OrderId, status: OrderStatus })
  .meta({ id: 'CheckoutAccepted', example: { orderId: EXAMPLE_ORDER_ID, status: 'PENDING' } });
export type CheckoutAccepted = z.infer<typeof CheckoutAccepted>;

/** `GET /orders?limit=&cursor=`. */
export const ListOrdersQuery = PageQuery;
export type ListOrdersQuery = z.infer<typeof ListOrdersQuery>;

/** `GET /admin/orders?status=&limit=&cursor=`. */
export const AdminListOrdersQuery = PageQuery.extend({ status: OrderStatus });
export type AdminListOrdersQuery = z.infer<typeof AdminListOrdersQuery>;
