export { SAGA_TASK_ERRORS, TASK_INPUT_INVALID, TRANSIENT_ERROR } from './saga-task-errors.ts';
