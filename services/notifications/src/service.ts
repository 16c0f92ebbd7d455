import { NotificationsEntryCreated } from '@shop/contracts/notifications';
import { defineService, internalFunction, OUTBOX_RELAY, singleTable } from '@shop/platform/service';
import { routes } from './api/routes.ts';

/** The notifications service: entries, one event, one internal function. Data only (both runtimes import it). */
export default defineService({
  name: 'notifications',
  root: new URL('..', import.meta.url),
  table: singleTable({ outbox: true }),
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes }],
    },
    // Internal: other services invoke it directly (Lambda Invoke, `invokes: ['notifications.getEntry']`).
    getEntry: internalFunction('src/handlers/get-entry.function.ts'),
    outboxRelay: OUTBOX_RELAY,
  },
  publishes: [NotificationsEntryCreated.type],
});
