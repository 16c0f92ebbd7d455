import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `PriceOrder`. */
export const handler = (event: unknown) => tasks.priceOrder(event);
