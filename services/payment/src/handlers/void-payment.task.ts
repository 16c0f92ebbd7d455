import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `VoidPayment`. */
export const handler = createTasksFromEnv().voidPayment;
