export { createSesEdgeHandler, MAX_RECIPIENTS, SESV2_PREFIX, type SesEdgeOptions } from './ses.edge.ts';
export { Mailbox, type MailboxItem, type MailboxOptions, type SentEmail } from './ses.mailbox.ts';
