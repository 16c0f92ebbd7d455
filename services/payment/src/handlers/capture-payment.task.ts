import { createTasksFromEnv } from '../composition-root.ts';

const tasks = createTasksFromEnv();

/** Saga task `CapturePayment`. */
export const handler = (event: unknown) => tasks.capturePayment(event);
