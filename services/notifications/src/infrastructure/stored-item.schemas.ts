import * as z from 'zod';
import type { SentEmailRecord } from '../domain/sent-email.port.ts';

const SentEmailItem = z.object({
  eventId: z.string(),
  eventType: z.string(),
  orderId: z.string(),
  outcome: z.enum(['SENT', 'SKIPPED', 'REJECTED']),
  to: z.string().optional(),
  messageId: z.string().optional(),
  detail: z.string().optional(),
  at: z.string(),
});

/** A stored log entry, checked rather than cast; keys, `kind` and the TTL are dropped. */
export const sentEmailOf = (item: Record<string, unknown>): SentEmailRecord => SentEmailItem.parse(item);
