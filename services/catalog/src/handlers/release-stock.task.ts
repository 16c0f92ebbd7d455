import { createReleaseStockTask } from '../application/stock.tasks.ts';
import { createStockDeps } from '../composition-root.ts';
import { taskEnv } from '../env.ts';

/** Saga task `ReleaseStock`. */
export const handler = createReleaseStockTask(createStockDeps(taskEnv().TABLE_NAME));
