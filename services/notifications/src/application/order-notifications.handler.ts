import { OrderCancelled, OrderConfirmed, OrderRejected } from '@shop/contracts/order';
import { PaymentRefunded } from '@shop/contracts/payment';
import { nowOf } from '@shop/platform/clock';
import type { EventContext, EventHandler } from '@shop/platform/consumer';
import { EmailRejectedError } from '../domain/notifications.errors.ts';
import { composeOrderEmail, type OrderNotice } from '../domain/order-email.entity.ts';
import type { NotificationsDeps } from './notifications.deps.ts';

/**
 * Tells the customer of the order an event names what happened, by one email per event:
 *
 * 1. an event already in the sent-email log is skipped (the consumer's idempotency window is a day;
 *    the log also covers a message redriven from a DLQ later);
 * 2. the order is read from the order service (its lines, totals, address and `email`);
 * 3. the email is sent and the outcome logged. No address (a token without `email`) or no order is
 *    logged as `SKIPPED`; a message the mail service refuses for good as `REJECTED` (a retry would
 *    fail the same way); anything else fails the message, which SQS redelivers.
 *
 * A crash between the send and the log entry sends the email again on redelivery: at least once,
 * as SES offers no idempotency key.
 */
export const notifyCustomer = async (
  deps: NotificationsDeps,
  event: { readonly id: string; readonly type: string; readonly data: { readonly orderId: string } },
  notice: OrderNotice,
  { logger }: Pick<EventContext, 'logger'>,
): Promise<void> => {
  const { orderId } = event.data;
  const base = { eventId: event.id, eventType: event.type, orderId };
  const previous = await deps.sent.find(event.id);
  if (previous) {
    logger.info('event already handled: nothing sent', { orderId, outcome: previous.outcome });
    return;
  }
  const order = await deps.orders.read(orderId);
  const email = order ? composeOrderEmail(notice, order) : undefined;
  if (!order || !email) {
    const detail = order ? 'the order has no email address' : 'the order does not exist';
    logger.warn(`no email sent: ${detail}`, { orderId });
    await deps.sent.record({ ...base, outcome: 'SKIPPED', detail, at: nowOf(deps).toISOString() });
    return;
  }
  try {
    const messageId = await deps.emails.send(email);
    await deps.sent.record({
      ...base,
      outcome: 'SENT',
      to: email.to,
      messageId,
      at: nowOf(deps).toISOString(),
    });
    logger.info('email sent', { orderId, messageId, subject: email.subject });
  } catch (error) {
    if (!(error instanceof EmailRejectedError)) throw error;
    logger.warn('the mail service refused the email for good: not retried', {
      orderId,
      reason: error.message,
    });
    await deps.sent.record({
      ...base,
      outcome: 'REJECTED',
      to: email.to,
      detail: error.message,
      at: nowOf(deps).toISOString(),
    });
  }
};

/** The handlers of the four order events the customer hears about, for one consumer. */
export const orderNotificationHandlers = (deps: NotificationsDeps) =>
  [
    {
      event: OrderConfirmed,
      handle: (event, context) => notifyCustomer(deps, event, { kind: 'confirmed' }, context),
    } satisfies EventHandler<typeof OrderConfirmed>,
    {
      event: OrderRejected,
      handle: (event, context) =>
        notifyCustomer(deps, event, { kind: 'rejected', reason: event.data.reason }, context),
    } satisfies EventHandler<typeof OrderRejected>,
    {
      event: OrderCancelled,
      handle: (event, context) =>
        notifyCustomer(deps, event, { kind: 'cancelled', reason: event.data.reason }, context),
    } satisfies EventHandler<typeof OrderCancelled>,
    {
      event: PaymentRefunded,
      handle: (event, context) =>
        notifyCustomer(
          deps,
          event,
          {
            kind: 'refunded',
            amount: event.data.amount,
            refundedAmount: event.data.refundedAmount,
            fullyRefunded: event.data.fullyRefunded,
          },
          context,
        ),
    } satisfies EventHandler<typeof PaymentRefunded>,
  ] as const;
