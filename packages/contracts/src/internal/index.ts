export {
  CORRELATION_ID_MEMBER,
  defineInternalFunction,
  type InternalFunctionContract,
} from './internal-function.ts';
