import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `AuthorizePayment`. */
export const handler = createTasksFromEnv().authorizePayment;
