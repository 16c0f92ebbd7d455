import { createReserveStockTask } from '../application/stock.tasks.ts';
import { createStockDeps } from '../composition-root.ts';
import { taskEnv } from '../env.ts';

const env = taskEnv();

/** Saga task `ReserveStock`: each reservation holds its units for RESERVATION_HOLD_SECONDS. */
export const handler = createReserveStockTask(
  createStockDeps(env.TABLE_NAME, undefined, env.RESERVATION_HOLD_SECONDS),
);
