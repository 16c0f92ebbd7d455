import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `AbortCancellation`. */
export const handler = (event: unknown) => tasks.abortCancellation(event);
