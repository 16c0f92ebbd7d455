import type { Money } from '@shop/contracts';
import type { Order, ShippingAddress } from '@shop/contracts/order';

/** What happened to an order that its customer is told about: one per event. */
export type OrderNotice =
  | { readonly kind: 'confirmed' }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'cancelled'; readonly reason: string }
  | {
      readonly kind: 'refunded';
      readonly amount: Money;
      readonly refundedAmount: Money;
      readonly fullyRefunded: boolean;
    };

/** One email, ready to send: the same content as plain text and as HTML. */
export interface OrderEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const SHOP_NAME = 'Shop';

const REJECTION_REASONS: Readonly<Record<string, string>> = {
  OUT_OF_STOCK: 'an item in it ran out of stock before we could reserve it',
  PAYMENT_DECLINED: 'your payment method was declined',
  PAYMENT_FAILED: 'we could not take the payment',
  CHECKOUT_FAILED: 'something went wrong on our side while placing it',
  CHECKOUT_ABANDONED: 'something went wrong on our side while placing it',
  PROMOTION_EXHAUSTED: 'its promotion code had been used up by the time we placed it',
  PROMOTION_UNAVAILABLE: 'its promotion code could no longer be applied',
};

const CANCELLATION_REASONS: Readonly<Record<string, string>> = {
  CANCELLED_BY_CUSTOMER: 'as you asked',
  CANCELLED_BY_ADMIN: 'by our customer service',
  PAYMENT_FAILED: 'because we could not take the payment',
};

/** `{ amount: 5351, currency: 'USD' }` -> `$53.51`, with the currency's own number of minor digits. */
export const formatMoney = (money: Money): string => {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amount / 10 ** digits);
};

export const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const addressLines = (address: ShippingAddress): string[] => [
  address.name,
  address.line1,
  ...(address.line2 ? [address.line2] : []),
  [address.postalCode, address.city, address.region].filter(Boolean).join(' '),
  address.country,
];

interface Message {
  readonly subject: string;
  /** Paragraphs before the order's summary. */
  readonly intro: readonly string[];
  /** Whether the shipping address belongs in the message (it does when the order goes out). */
  readonly withAddress: boolean;
}

const messageOf = (notice: OrderNotice, order: Order): Message => {
  switch (notice.kind) {
    case 'confirmed':
      return {
        subject: `Your ${SHOP_NAME} order ${order.id} is confirmed`,
        intro: [
          'Thank you for your order. We have reserved your items and authorized your payment of ' +
            `${formatMoney(order.totals.total)}; it is charged when the order ships.`,
        ],
        withAddress: true,
      };
    case 'rejected':
      return {
        subject: `Your ${SHOP_NAME} order ${order.id} could not be placed`,
        intro: [
          `We could not place your order: ${REJECTION_REASONS[notice.reason] ?? 'it could not be completed'}.`,
          'You have not been charged. Your cart still holds the items, so you can try again.',
        ],
        withAddress: false,
      };
    case 'cancelled':
      return {
        subject: `Your ${SHOP_NAME} order ${order.id} is cancelled`,
        intro: [
          `${`Your order has been cancelled ${CANCELLATION_REASONS[notice.reason] ?? ''}`.trimEnd()}.`,
          'Any payment taken is refunded to your payment method; a separate email confirms each refund.',
        ],
        withAddress: false,
      };
    case 'refunded':
      return {
        subject: `A refund of ${formatMoney(notice.amount)} for your ${SHOP_NAME} order ${order.id}`,
        intro: [
          `We have refunded ${formatMoney(notice.amount)} to your payment method` +
            (notice.fullyRefunded
              ? ', the whole amount of the order.'
              : `; ${formatMoney(notice.refundedAmount)} has been refunded so far.`),
          'Depending on your bank, it shows on your statement within a few days.',
        ],
        withAddress: false,
      };
  }
};

const totalRows = (order: Order): [string, string][] => [
  ['Subtotal', formatMoney(order.totals.subtotal)],
  // A promotion code's discount, when the order had one.
  ...(order.totals.discount.amount > 0
    ? [
        [
          `Discount${order.promotionCode ? ` (${order.promotionCode})` : ''}`,
          `-${formatMoney(order.totals.discount)}`,
        ] as [string, string],
      ]
    : []),
  ['Shipping', formatMoney(order.totals.shipping)],
  ['Tax', formatMoney(order.totals.tax)],
  ['Total', formatMoney(order.totals.total)],
];

const textOf = (message: Message, order: Order): string => {
  const lines = order.lines.map(
    (line) =>
      `- ${line.quantity} x ${line.name} (${line.sku}) at ${formatMoney(line.unitPrice)}: ${formatMoney(line.lineTotal)}`,
  );
  const width = Math.max(...totalRows(order).map(([label]) => label.length));
  return [
    ...message.intro.flatMap((paragraph) => [paragraph, '']),
    `Order ${order.id}`,
    '',
    ...lines,
    '',
    ...totalRows(order).map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`),
    ...(message.withAddress ? ['', 'Shipping to:', ...addressLines(order.shippingAddress)] : []),
    '',
    `${SHOP_NAME}`,
    '',
  ].join('\n');
};

const htmlOf = (message: Message, order: Order): string => {
  const cell = 'style="padding:4px 8px;border-bottom:1px solid #ddd"';
  const right = 'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:right"';
  const rows = order.lines
    .map(
      (line) =>
        `<tr><td ${cell}>${escapeHtml(line.name)}<br><small>${escapeHtml(line.sku)}</small></td>` +
        `<td ${right}>${line.quantity}</td><td ${right}>${formatMoney(line.unitPrice)}</td>` +
        `<td ${right}>${formatMoney(line.lineTotal)}</td></tr>`,
    )
    .join('');
  const totals = totalRows(order)
    .map(
      ([label, value]) =>
        `<tr><td colspan="3" ${right}>${label === 'Total' ? `<strong>${label}</strong>` : label}</td>` +
        `<td ${right}>${label === 'Total' ? `<strong>${value}</strong>` : value}</td></tr>`,
    )
    .join('');
  const address = message.withAddress
    ? `<h3>Shipping to</h3><p>${addressLines(order.shippingAddress).map(escapeHtml).join('<br>')}</p>`
    : '';
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(message.subject)}</title></head>`,
    '<body style="font-family:sans-serif;color:#222;max-width:640px">',
    ...message.intro.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    `<h2>Order ${escapeHtml(order.id)}</h2>`,
    '<table style="border-collapse:collapse;width:100%">',
    `<thead><tr><th ${cell}>Item</th><th ${right}>Quantity</th><th ${right}>Price</th><th ${right}>Total</th></tr></thead>`,
    `<tbody>${rows}</tbody><tfoot>${totals}</tfoot></table>`,
    address,
    `<p>${SHOP_NAME}</p>`,
    '</body></html>',
  ].join('\n');
};

/**
 * The email that tells the order's customer what happened, with the order's lines and totals, or
 * undefined when the order has no address to write to (its checkout token carried no `email`).
 */
export const composeOrderEmail = (notice: OrderNotice, order: Order): OrderEmail | undefined => {
  if (!order.email) return undefined;
  const message = messageOf(notice, order);
  return {
    to: order.email,
    subject: message.subject,
    text: textOf(message, order),
    html: htmlOf(message, order),
  };
};
