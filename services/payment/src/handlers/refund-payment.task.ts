import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `RefundPayment`. */
export const handler = createTasksFromEnv().refundPayment;
