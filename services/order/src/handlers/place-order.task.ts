import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `PlaceOrder`. */
export const handler = createTasksFromEnv().placeOrder;
