/** The sent-email log: one item per handled event. */
export const sentEmailKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EMAIL' });

/** How long the log remembers an event: far beyond any redelivery or DLQ redrive. */
export const SENT_EMAIL_RETENTION_SECONDS = 90 * 24 * 60 * 60;
