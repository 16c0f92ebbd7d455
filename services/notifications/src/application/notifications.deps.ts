import type { Clock } from '@shop/platform/clock';
import type { EmailSender } from '../domain/email-sender.port.ts';
import type { OrderReader } from '../domain/order-reader.port.ts';
import type { SentEmailLog } from '../domain/sent-email.port.ts';

/** What the event handlers need; the composition root builds it. */
export interface NotificationsDeps {
  readonly orders: OrderReader;
  readonly emails: EmailSender;
  readonly sent: SentEmailLog;
  readonly clock?: Clock;
}
