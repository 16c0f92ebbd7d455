export { caughtBy, inProcessInvoker, isolateTaskState, sagaDefinitionWith } from './task-state.testing.ts';
