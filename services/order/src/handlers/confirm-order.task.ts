import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `ConfirmOrder`. */
export const handler = (event: unknown) => tasks.confirmOrder(event);
