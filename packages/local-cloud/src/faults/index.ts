export { FaultRegistry, type FaultTargets, UnknownFaultTargetError } from './fault.registry.ts';
export {
  type Fault,
  type FaultInjector,
  type FaultKind,
  FaultSpec,
  type FaultSpecInput,
  type FunctionFault,
  type FunctionFaults,
  NO_FAULTS,
} from './fault.types.ts';
export { createFaultsApi } from './faults.api.ts';
