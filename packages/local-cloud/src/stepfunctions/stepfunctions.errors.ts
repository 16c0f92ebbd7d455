/** The AWS error codes (`__type`) this emulator answers with; names as in `@aws-sdk/client-sfn`. */
export type StepFunctionsErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'ExecutionNotRedrivable'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidEncryptionConfiguration'
  | 'InvalidExecutionInput'
  | 'InvalidLoggingConfiguration'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'InvalidTracingConfiguration'
  | 'MissingRequiredParameter'
  | 'ResourceNotFound'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'StateMachineTypeNotSupported'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'TooManyTags'
  | 'ValidationException';

/** An error the Step Functions API reports to its caller (HTTP 400 with `__type`). */
export class StepFunctionsApiError extends Error {
  readonly type: StepFunctionsErrorType;
  readonly status = 400;
  /** Members of the error shape beyond `message` (e.g. `resourceName` of TooManyTags). */
  readonly fields: Readonly<Record<string, string>>;

  constructor(type: StepFunctionsErrorType, message: string, fields: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'StepFunctionsApiError';
    this.type = type;
    this.fields = fields;
  }
}

/** An ASL file references `${Key}` placeholders that no substitution provides. */
export class UnknownPlaceholderError extends Error {
  readonly placeholders: readonly string[];

  constructor(source: string, placeholders: readonly string[]) {
    super(
      `${source} references unknown placeholder(s) ${placeholders.map((p) => `\${${p}}`).join(', ')}; ` +
        'pass a substitution for each of them',
    );
    this.name = 'UnknownPlaceholderError';
    this.placeholders = placeholders;
  }
}

/** `waitForExecution` gave up while the execution was still running. */
export class ExecutionWaitTimeoutError extends Error {
  constructor(executionArn: string, timeoutMs: number) {
    super(`Execution ${executionArn} was still RUNNING after ${timeoutMs} ms`);
    this.name = 'ExecutionWaitTimeoutError';
  }
}
