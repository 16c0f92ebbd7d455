import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `RejectOrder`. */
export const handler = (event: unknown) => tasks.rejectOrder(event);
