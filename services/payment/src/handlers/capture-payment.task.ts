import { createTasksFromEnv } from '../composition-root.ts';

/** Saga task `CapturePayment`. */
export const handler = createTasksFromEnv().capturePayment;
