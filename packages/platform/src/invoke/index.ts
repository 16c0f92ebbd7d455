export {
  type CallPolicy,
  type CallPolicyOptions,
  createCallPolicy,
  InternalContractError,
  InternalFunctionError,
  isRetryable,
} from './call-policy.ts';
export {
  createInternalFunctionClient,
  type InternalFunctionClient,
  type InternalFunctionClientOptions,
} from './internal-function.client.ts';
