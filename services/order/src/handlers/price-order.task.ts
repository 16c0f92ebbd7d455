import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `PriceOrder`. */
export const handler = createTasksFromEnv().priceOrder;
