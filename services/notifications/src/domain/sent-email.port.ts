/** What was done about one event: the email sent, or the reason none was. */
export interface SentEmailRecord {
  readonly eventId: string;
  readonly eventType: string;
  readonly orderId: string;
  /** `SENT`, or `SKIPPED` (no address, no order) or `REJECTED` (the mail service refused it). */
  readonly outcome: 'SENT' | 'SKIPPED' | 'REJECTED';
  readonly to?: string;
  readonly messageId?: string;
  readonly detail?: string;
  readonly at: string;
}

/**
 * The service's record of the events it has handled, kept longer than the consumer's idempotency
 * window: a message redriven from a DLQ days later still sends nothing twice.
 */
export interface SentEmailLog {
  find(eventId: string): Promise<SentEmailRecord | undefined>;
  /** Records the outcome; a second record for the same event keeps the first. */
  record(entry: SentEmailRecord): Promise<void>;
}
