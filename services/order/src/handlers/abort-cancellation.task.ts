import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `AbortCancellation`. */
export const handler = createTasksFromEnv().abortCancellation;
