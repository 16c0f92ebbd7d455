import { createRestockOrderTask } from '../application/stock.tasks.ts';
import { createStockDeps } from '../composition-root.ts';
import { taskEnv } from '../env.ts';

/** Saga task `RestockOrder`. */
export const handler = createRestockOrderTask(createStockDeps(taskEnv().TABLE_NAME));
