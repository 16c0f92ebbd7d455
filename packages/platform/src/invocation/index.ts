export {
  correlationIdOf,
  currentInvocation,
  type Invocation,
  type InvocationContext,
  isCorrelationId,
  runInInvocation,
  withInvocation,
} from './invocation-scope.ts';
