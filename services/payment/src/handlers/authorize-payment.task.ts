import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `AuthorizePayment`. */
export const handler = (event: unknown) => tasks.authorizePayment(event);
