import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `PlaceOrder`. */
export const handler = (event: unknown) => tasks.placeOrder(event);
