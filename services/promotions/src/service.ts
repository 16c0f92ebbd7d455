import { PromotionsEntryCreated } from '@shop/contracts/promotions';
import { defineService, internalFunction, OUTBOX_RELAY, singleTable } from '@shop/platform/service';
import { routes } from './api/routes.ts';

/** The promotions service: entries, one event, one internal function. Data only (both runtimes import it). */
export default defineService({
  name: 'promotions',
  root: new URL('..', import.meta.url),
  table: singleTable({ outbox: true }),
  functions: {
    http: {
      entry: 'src/handlers/http.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      triggers: [{ type: 'http', routes }],
    },
    // Internal: other services invoke it directly (Lambda Invoke, `invokes: ['promotions.getEntry']`).
    getEntry: internalFunction('src/handlers/get-entry.function.ts'),
    outboxRelay: OUTBOX_RELAY,
  },
  publishes: [PromotionsEntryCreated.type],
});
