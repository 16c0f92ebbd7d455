import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `ConfirmOrder`. */
export const handler = createTasksFromEnv().confirmOrder;
