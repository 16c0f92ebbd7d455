export {
  CORRELATION_ID_MEMBER,
  CorrelationId,
  defineInternalFunction,
  type InternalFunctionContract,
} from './internal-function.ts';
