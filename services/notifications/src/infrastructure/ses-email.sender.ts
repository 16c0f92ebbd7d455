import { type SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailSender } from '../domain/email-sender.port.ts';
import { EmailRejectedError } from '../domain/notifications.errors.ts';
import type { OrderEmail } from '../domain/order-email.entity.ts';

/**
 * SES's answers that no retry changes: a refused message (an unverified recipient in the sandbox, an
 * address on the suppression list), a malformed request, a sender not set up.
 */
const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  'MessageRejected',
  'BadRequestException',
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
]);

/** Sends through Amazon SES (API v2) `SendEmail`, from the stack's verified sender address. */
export class SesEmailSender implements EmailSender {
  readonly #ses: SESv2Client;
  readonly #from: string;

  constructor(ses: SESv2Client, fromAddress: string) {
    this.#ses = ses;
    this.#from = fromAddress;
  }

  async send(email: OrderEmail): Promise<string> {
    const charset = 'UTF-8';
    try {
      const { MessageId } = await this.#ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.#from,
          Destination: { ToAddresses: [email.to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: charset },
              Body: {
                Text: { Data: email.text, Charset: charset },
                Html: { Data: email.html, Charset: charset },
              },
            },
          },
        }),
      );
      if (!MessageId) throw new Error('SES answered SendEmail without a MessageId');
      return MessageId;
    } catch (error) {
      if (error instanceof SESv2ServiceException && PERMANENT_ERRORS.has(error.name)) {
        throw new EmailRejectedError(`${error.name}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
}
