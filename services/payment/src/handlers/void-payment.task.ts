import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `VoidPayment`. */
export const handler = (event: unknown) => tasks.voidPayment(event);
