import { createOrderTasks } from './application/order-tasks.ts';
import { taskEnv } from './env.ts';
import { createOrderDeps } from './infrastructure/order.composition.ts';

/** The saga tasks of a function instance, built from the environment (once, at cold start). */
export const createTasksFromEnv = () => {
  const env = taskEnv();
  return createOrderTasks(createOrderDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }));
};
