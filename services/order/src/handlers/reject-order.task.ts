import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `RejectOrder`. */
export const handler = createTasksFromEnv().rejectOrder;
