export {
  correlationIdOf,
  currentInvocation,
  type Invocation,
  type InvocationContext,
  runInInvocation,
  withInvocation,
} from './invocation-scope.ts';
