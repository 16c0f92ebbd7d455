/** One copy of a sent email, as a recipient's mailbox holds it. */
export interface MailboxItem {
  /** The SES `MessageId` (the same for every recipient of one message). */
  readonly id: string;
  readonly from: string;
  /** The recipient whose copy this is (a To, Cc or Bcc address). */
  readonly to: string;
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly sentAt: string;
}

/** What one SendEmail delivered. */
export interface SentEmail {
  readonly id: string;
  readonly from: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly sentAt: string;
}

export interface MailboxOptions {
  /** The most copies kept; the oldest go first. Default 1000. */
  readonly capacity?: number;
}

/**
 * What the local SES sent, by recipient: the local stand-in for the inboxes of the world. Addresses
 * compare case-insensitively (as mail systems treat the domain, and as most treat the local part).
 * In memory: a restart empties it.
 */
export class Mailbox {
  readonly #capacity: number;
  readonly #items: MailboxItem[] = [];

  constructor(options: MailboxOptions = {}) {
    this.#capacity = options.capacity ?? 1000;
    if (!Number.isInteger(this.#capacity) || this.#capacity < 1) {
      throw new Error(`Mailbox capacity must be a positive integer, got ${options.capacity}`);
    }
  }

  /** Delivers one copy to each recipient. */
  deliver(email: SentEmail): void {
    for (const recipient of email.recipients) {
      this.#items.push({
        id: email.id,
        from: email.from,
        to: recipient,
        subject: email.subject,
        ...(email.text !== undefined ? { text: email.text } : {}),
        ...(email.html !== undefined ? { html: email.html } : {}),
        sentAt: email.sentAt,
      });
    }
    if (this.#items.length > this.#capacity) this.#items.splice(0, this.#items.length - this.#capacity);
  }

  /** A recipient's copies (every copy without `to`), newest first. */
  list(to?: string): MailboxItem[] {
    const wanted = to?.toLowerCase();
    return this.#items.filter((item) => wanted === undefined || item.to.toLowerCase() === wanted).reverse();
  }

  get size(): number {
    return this.#items.length;
  }
}
