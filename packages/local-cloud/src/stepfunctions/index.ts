export { substitutePlaceholders } from './asl-definition.util.ts';
export { createStepFunctionsEdgeHandler } from './stepfunctions.edge.ts';
export { StepFunctionsEmulator } from './stepfunctions.emulator.ts';
export {
  ExecutionWaitTimeoutError,
  StepFunctionsApiError,
  type StepFunctionsErrorType,
  UnknownPlaceholderError,
} from './stepfunctions.errors.ts';
export type {
  CreateStateMachineInput,
  ExecutionDescription,
  ExecutionStatus,
  ExecutionsPage,
  HistoryEventRecord,
  HistoryPage,
  HistoryPageInput,
  ListExecutionsInput,
  StartExecutionInput,
  StartedExecution,
  StateMachineSummary,
  StateMachinesPage,
  StateMachineType,
  StepFunctionsEmulatorOptions,
} from './stepfunctions.types.ts';
