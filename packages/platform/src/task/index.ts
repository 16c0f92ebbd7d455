export { defineInvokedFunction, type InvokedFunctionOptions } from './invoked-function.ts';
export {
  defineSagaTask,
  type SagaTask,
  SagaTaskError,
  type SagaTaskOptions,
  type TaskErrorNames,
  type TaskInvocation,
} from './saga-task.ts';
export {
  defineScheduledFunction,
  type ScheduledFunctionOptions,
  type ScheduledInvocation,
} from './scheduled-function.ts';
