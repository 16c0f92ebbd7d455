import type { SettleSagaInput } from '@shop/contracts/order';
import type { SagaStarter } from './saga-starter.port.ts';

/** Where a saga execution stands, as Step Functions' DescribeExecution says; `MISSING`: none of that name. */
export type ExecutionStatus =
  | 'RUNNING'
  | 'PENDING_REDRIVE'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'MISSING';

/** One of an order's saga executions, each with its deterministic name. */
export type SagaExecution =
  /** The order id. */
  | { readonly saga: 'checkout' }
  /** `<orderId>-cancel-<attempt>`. */
  | { readonly saga: 'cancel'; readonly attempt: number }
  /** `<orderId>-settle`. */
  | { readonly saga: 'settle' };

/** A checkout execution that closed without succeeding (its name is the order id). */
export interface UnsuccessfulCheckout {
  readonly orderId: string;
  readonly status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly startedAt: Date;
  /** When it stopped (its last run's stop, after a redrive). */
  readonly stoppedAt: Date;
}

/**
 * What the reconciler needs of the sagas besides starting them: where an execution stands, the settle
 * saga, and AWS's RedriveExecution for one that failed part-way.
 */
export interface SagaSupervisor extends SagaStarter {
  /** @throws SagaUnavailableError */
  statusOf(orderId: string, execution: SagaExecution): Promise<ExecutionStatus>;
  /** Execution name `<orderId>-settle`; starting it again is a no-op. @throws SagaUnavailableError */
  startSettle(input: SettleSagaInput): Promise<void>;
  /**
   * Runs a FAILED, TIMED_OUT or ABORTED execution again from the state it stopped in (every task is
   * idempotent by order id). False when Step Functions refuses it (`ExecutionNotRedrivable`).
   * @throws SagaUnavailableError
   */
  redrive(orderId: string, execution: SagaExecution): Promise<boolean>;
  /**
   * The checkout executions started since `startedSince` that closed FAILED, TIMED_OUT or ABORTED
   * and stopped since `stoppedSince`, newest first (Step Functions' ListExecutions, by status).
   * @throws SagaUnavailableError
   */
  listUnsuccessfulCheckouts(window: {
    readonly startedSince: Date;
    readonly stoppedSince: Date;
  }): Promise<UnsuccessfulCheckout[]>;
}
