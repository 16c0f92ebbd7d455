import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `RefundPayment`. */
export const handler = (event: unknown) => tasks.refundPayment(event);
