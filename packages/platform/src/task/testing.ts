export { caughtBy, inProcessInvoker, isolateTaskState } from './task-state.testing.ts';
