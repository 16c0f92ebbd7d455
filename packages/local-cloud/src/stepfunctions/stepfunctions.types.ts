import type { LambdaInvoker } from '../lambda/lambda.types.ts';
import type { SpanRecorder } from '../traces/span.recorder.ts';
import type { TaskIntegrations } from './service-task.adapter.ts';

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StepFunctionsEmulatorOptions {
  /** Runs every Lambda task (both `arn:aws:lambda:...:function:x` and `arn:aws:states:::lambda:invoke`). */
  readonly invoker: LambdaInvoker;
  /**
   * Records a span per execution (under the StartExecution call that started it) and per state; a
   * Task's invocation is the child of its state's span.
   */
  readonly spans?: SpanRecorder;
  readonly region?: string;
  readonly accountId?: string;
  /**
   * Multiplies the duration of `Wait` states given in `Seconds` and of `Retry` intervals
   * (`IntervalSeconds`, `MaxDelaySeconds`; the backoff keeps its shape) so that local runs and tests
   * need not sleep for real. `1` (the default) keeps real time, `0.01` turns 2 s into 20 ms, `0` removes the
   * pauses. `SecondsPath`/`Timestamp`/`TimestampPath` waits, `TimeoutSeconds` and `HeartbeatSeconds` are
   * not scaled.
   */
  readonly waitTimeScale?: number;
  /**
   * Keep state machines and executions in this directory (`--persist`), so that they survive a
   * restart; executions that were running when the process stopped resume with {@link
   * StepFunctionsEmulator.resumeInterrupted}. In memory only when absent.
   */
  readonly dataDir?: string;
  /** The clients of the optimized SQS and DynamoDB integrations (also settable later, see `connect`). */
  readonly integrations?: TaskIntegrations;
}

/** A tag of a state machine, as the API carries it. */
export interface ResourceTag {
  readonly key: string;
  readonly value: string;
}

export type ConfigurationRecord = Readonly<Record<string, unknown>>;

export interface CreateStateMachineInput {
  readonly name: string;
  /** The ASL document as JSON text (what the AWS API takes). */
  readonly definition: string;
  readonly roleArn?: string;
  readonly type?: StateMachineType;
  readonly tags?: readonly ResourceTag[];
  readonly loggingConfiguration?: ConfigurationRecord;
  readonly tracingConfiguration?: ConfigurationRecord;
  readonly encryptionConfiguration?: ConfigurationRecord;
  readonly publish?: boolean;
  /** Where the machine lives (the ARN's region); the emulator's region when absent. */
  readonly region?: string;
}

export interface UpdateStateMachineInput {
  readonly stateMachineArn: string;
  readonly definition?: string;
  readonly roleArn?: string;
  readonly loggingConfiguration?: ConfigurationRecord;
  readonly tracingConfiguration?: ConfigurationRecord;
  readonly encryptionConfiguration?: ConfigurationRecord;
  readonly publish?: boolean;
}

export interface StateMachineSummary {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly roleArn: string;
  readonly definition: string;
  /** Epoch milliseconds. */
  readonly creationDate: number;
  /** Epoch milliseconds of the last UpdateStateMachine. */
  readonly updateDate?: number;
  /** Absent for the definition the machine was created with, as in AWS. */
  readonly revisionId?: string;
  readonly loggingConfiguration: ConfigurationRecord;
  readonly tracingConfiguration: ConfigurationRecord;
  readonly encryptionConfiguration: ConfigurationRecord;
}

export interface ValidationDiagnostic {
  readonly severity: 'ERROR' | 'WARNING';
  readonly code: string;
  readonly message: string;
  readonly location?: string;
}

export interface ValidationResult {
  readonly result: 'OK' | 'FAIL';
  readonly diagnostics: readonly ValidationDiagnostic[];
  readonly truncated: boolean;
}

export interface StartExecutionInput {
  readonly stateMachineArn: string;
  readonly name?: string;
  /** JSON text; `{}` when absent. */
  readonly input?: string;
  /**
   * The caller's X-Ray trace header (StartExecution's `traceHeader`, else the request's
   * `X-Amzn-Trace-Id`): the execution's span is its child.
   */
  readonly traceHeader?: string;
}

/** What StartSyncExecution returns once the Express execution has ended; dates in epoch milliseconds. */
export interface SyncExecutionResult {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: number;
  readonly stopDate: number;
  readonly billedDurationMs: number;
}

export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE';

export interface StartedExecution {
  readonly executionArn: string;
  /** Epoch milliseconds. */
  readonly startDate: number;
}

/** What DescribeExecution reports; dates in epoch milliseconds. */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: number;
  readonly stopDate?: number;
  /** How often the execution was redriven (RedriveExecution, or resumed after a restart). */
  readonly redriveCount: number;
  readonly redriveDate?: number;
  /** Absent for executions of Express state machines, which AWS never redrives. */
  readonly redriveStatus?: RedriveStatus;
  readonly redriveStatusReason?: string;
}

/**
 * One event of an execution's history, in AWS's shape: `details` is serialised under `detailsKey`
 * (e.g. `lambdaFunctionFailedEventDetails`).
 */
export interface HistoryEventRecord {
  readonly id: number;
  readonly previousEventId: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly type: string;
  readonly detailsKey?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface HistoryPageInput {
  readonly executionArn: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
  readonly reverseOrder?: boolean;
  readonly includeExecutionData?: boolean;
}

export interface HistoryPage {
  readonly events: readonly HistoryEventRecord[];
  readonly nextToken?: string;
}

export interface ListExecutionsInput {
  readonly stateMachineArn: string;
  readonly statusFilter?: ExecutionStatus;
  readonly redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN';
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface ExecutionsPage {
  readonly executions: readonly ExecutionDescription[];
  readonly nextToken?: string;
}

export interface StateMachinesPage {
  readonly stateMachines: readonly StateMachineSummary[];
  readonly nextToken?: string;
}
