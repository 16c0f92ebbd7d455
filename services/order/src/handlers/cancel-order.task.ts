import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `CancelOrder`. */
export const handler = createTasksFromEnv().cancelOrder;
