import { createReserveStockTask } from '../application/stock.tasks.ts';
import { createStockDeps } from '../composition-root.ts';
import { taskEnv } from '../env.ts';

/** Saga task `ReserveStock`. */
export const handler = createReserveStockTask(createStockDeps(taskEnv().TABLE_NAME));
