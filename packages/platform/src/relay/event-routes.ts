import { EventType } from '@shop/contracts';
import * as z from 'zod';
import { parseEnv } from '../env/index.ts';

/** The variable through which both runtimes hand the outbox relay its routing table. */
export const EVENT_ROUTES_VARIABLE = 'EVENT_ROUTES';

/** Event type -> URLs of the subscriber queues (an empty list: nobody subscribes yet). */
export const EventRoutes = z.record(EventType, z.array(z.url()));
export type EventRoutes = z.infer<typeof EventRoutes>;

const EventRoutesJson = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not JSON' });
      return z.NEVER;
    }
  })
  .pipe(EventRoutes);

const RelayEnv = z.object({ [EVENT_ROUTES_VARIABLE]: EventRoutesJson });

/**
 * Reads `EVENT_ROUTES` (`{"order.confirmed":["https://sqs.../cart-order-confirmed"]}`). Required: a
 * relay without routes would drop every event, so a deploy that forgets it fails at cold start.
 */
export const parseEventRoutes = (source: Record<string, string | undefined> = process.env): EventRoutes =>
  parseEnv(RelayEnv, source)[EVENT_ROUTES_VARIABLE];
