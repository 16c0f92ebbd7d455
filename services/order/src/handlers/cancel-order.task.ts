import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `CancelOrder`. */
export const handler = (event: unknown) => tasks.cancelOrder(event);
