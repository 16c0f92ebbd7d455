import { createPaymentTasks } from './application/payment-tasks.ts';
import { taskEnv } from './env.ts';
import { createPaymentDeps } from './infrastructure/payment.composition.ts';

/** The saga tasks of a function instance, built from the environment (once, at cold start). */
export const createTasksFromEnv = () => {
  const env = taskEnv();
  return createPaymentTasks(createPaymentDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }));
};
