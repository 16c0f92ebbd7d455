import { defineScheduledFunction } from '@shop/platform/task';
import { expireReservations } from '../application/stock-reservation.use-cases.ts';
import { createExpiryDeps } from '../composition-root.ts';
import { expiryEnv } from '../env.ts';

const env = expiryEnv();
const deps = createExpiryDeps(env.TABLE_NAME, env.ORDER_ORDER_STATUSES_FUNCTION_NAME);

/** Every minute: reservations whose hold ended are settled by where their order stands. */
export const handler = defineScheduledFunction({
  name: 'ExpireReservations',
  run: ({ scheduledAt }) => expireReservations(deps, scheduledAt),
});
