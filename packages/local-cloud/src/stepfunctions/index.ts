export { substitutePlaceholders } from './asl-definition.util.ts';
export type { SqsMessageSender, TaskIntegrations } from './service-task.adapter.ts';
export { createStepFunctionsEdgeHandler } from './stepfunctions.edge.ts';
export { StepFunctionsEmulator } from './stepfunctions.emulator.ts';
export {
  ExecutionWaitTimeoutError,
  StepFunctionsApiError,
  type StepFunctionsErrorType,
  UnknownPlaceholderError,
} from './stepfunctions.errors.ts';
export type {
  ConfigurationRecord,
  CreateStateMachineInput,
  ExecutionDescription,
  ExecutionStatus,
  ExecutionsPage,
  HistoryEventRecord,
  HistoryPage,
  HistoryPageInput,
  ListExecutionsInput,
  RedriveStatus,
  ResourceTag,
  StartExecutionInput,
  StartedExecution,
  StateMachineSummary,
  StateMachinesPage,
  StateMachineType,
  StepFunctionsEmulatorOptions,
  SyncExecutionResult,
  UpdateStateMachineInput,
  ValidationDiagnostic,
  ValidationResult,
} from './stepfunctions.types.ts';
