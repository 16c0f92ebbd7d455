import type { OrderEmail } from './order-email.entity.ts';

export interface EmailSender {
  /**
   * Sends one email; resolves with the mail service's message id.
   * @throws EmailRejectedError when the mail service refuses the message for good; anything else is
   *   worth another attempt.
   */
  send(email: OrderEmail): Promise<string>;
}
