import type { LambdaInvoker } from '../lambda/lambda.types.ts';

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StepFunctionsEmulatorOptions {
  /** Runs every Lambda task (both `arn:aws:lambda:...:function:x` and `arn:aws:states:::lambda:invoke`). */
  readonly invoker: LambdaInvoker;
  readonly region?: string;
  readonly accountId?: string;
  /**
   * Multiplies the duration of `Wait` states given in `Seconds` and of `Retry` intervals
   * (`IntervalSeconds`, `MaxDelaySeconds`; the backoff keeps its shape) so that local runs and tests
   * need not sleep for real. `1` (the default) keeps real time, `0.01` turns 2 s into 20 ms, `0` removes the
   * pauses. `SecondsPath`/`Timestamp`/`TimestampPath` waits and `TimeoutSeconds` are not scaled.
   */
  readonly waitTimeScale?: number;
}

export interface CreateStateMachineInput {
  readonly name: string;
  /** The ASL document as JSON text (what the AWS API takes). */
  readonly definition: string;
  readonly roleArn?: string;
  readonly type?: StateMachineType;
}

export interface StateMachineSummary {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly roleArn: string;
  readonly definition: string;
  /** Epoch milliseconds. */
  readonly creationDate: number;
}

export interface StartExecutionInput {
  readonly stateMachineArn: string;
  readonly name?: string;
  /** JSON text; `{}` when absent. */
  readonly input?: string;
}

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
