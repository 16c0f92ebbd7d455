import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { CancelSagaInput, CheckoutSagaInput, SettleSagaInput } from '@shop/contracts/order';
import { SagaUnavailableError } from '../domain/order.errors.ts';
import type { SagaStarter } from '../domain/saga-starter.port.ts';
import type {
  ExecutionStatus,
  SagaExecution,
  SagaSupervisor,
  UnsuccessfulCheckout,
} from '../domain/saga-supervisor.port.ts';

export interface SfnSagaStarterOptions {
  readonly client: SFNClient;
  /** `CHECKOUT_STATE_MACHINE_ARN`. */
  readonly checkoutStateMachineArn: string;
  /** `CANCEL_STATE_MACHINE_ARN`. */
  readonly cancelStateMachineArn: string;
  /** `SETTLE_STATE_MACHINE_ARN`: only the reconciler has (and needs) it. */
  readonly settleStateMachineArn?: string;
}

/** The name of a cancel saga execution: one per cancellation attempt of the order. */
export const cancelExecutionName = (orderId: string, attempt: number): string =>
  `${orderId}-cancel-${attempt}`;

/** The name of the settle saga execution of an order: at most one per order. */
export const settleExecutionName = (orderId: string): string => `${orderId}-settle`;

/** `arn:…:stateMachine:<machine>` + name -> `arn:…:execution:<machine>:<name>`, as Step Functions forms it. */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

const STATUSES = new Set<string>([
  'RUNNING',
  'PENDING_REDRIVE',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

const UNSUCCESSFUL = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/**
 * Starts and supervises the sagas through Step Functions (StartExecution, DescribeExecution,
 * RedriveExecution, ListExecutions); the SDK's own retries cover throttling.
 */
export class SfnSagaStarter implements SagaStarter, SagaSupervisor {
  readonly #client: SFNClient;
  readonly #checkout: string;
  readonly #cancel: string;
  readonly #settle: string | undefined;

  constructor(options: SfnSagaStarterOptions) {
    this.#client = options.client;
    this.#checkout = options.checkoutStateMachineArn;
    this.#cancel = options.cancelStateMachineArn;
    this.#settle = options.settleStateMachineArn;
  }

  startCheckout(input: CheckoutSagaInput): Promise<void> {
    return this.#start(this.#checkout, input.orderId, input);
  }

  startCancel(input: CancelSagaInput, attempt: number): Promise<void> {
    return this.#start(this.#cancel, cancelExecutionName(input.orderId, attempt), input);
  }

  startSettle(input: SettleSagaInput): Promise<void> {
    return this.#start(this.#settleArn(), settleExecutionName(input.orderId), input);
  }

  async statusOf(orderId: string, execution: SagaExecution): Promise<ExecutionStatus> {
    try {
      const { status } = await this.#client.send(
        new DescribeExecutionCommand({ executionArn: this.#arnOf(orderId, execution) }),
      );
      if (!status || !STATUSES.has(status)) throw new Error(`unexpected execution status ${status}`);
      return status as ExecutionStatus;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'MISSING';
      throw new SagaUnavailableError(error);
    }
  }

  async redrive(orderId: string, execution: SagaExecution): Promise<boolean> {
    try {
      await this.#client.send(new RedriveExecutionCommand({ executionArn: this.#arnOf(orderId, execution) }));
      return true;
    } catch (error) {
      if (error instanceof ExecutionNotRedrivable) return false;
      throw new SagaUnavailableError(error);
    }
  }

  async listUnsuccessfulCheckouts(window: {
    readonly startedSince: Date;
    readonly stoppedSince: Date;
  }): Promise<UnsuccessfulCheckout[]> {
    const found: UnsuccessfulCheckout[] = [];
    for (const status of UNSUCCESSFUL) {
      let nextToken: string | undefined;
      // Newest first: the pages end at the first execution started before the window.
      do {
        const page = await this.#listPage(status, nextToken);
        nextToken = page.nextToken;
        for (const execution of page.executions ?? []) {
          if (!execution.startDate || execution.startDate < window.startedSince) {
            nextToken = undefined;
            break;
          }
          const stoppedAt = execution.stopDate;
          if (execution.name && stoppedAt && stoppedAt >= window.stoppedSince) {
            found.push({ orderId: execution.name, status, startedAt: execution.startDate, stoppedAt });
          }
        }
      } while (nextToken);
    }
    return found.sort((a, b) => b.stoppedAt.getTime() - a.stoppedAt.getTime());
  }

  async #listPage(status: UnsuccessfulCheckout['status'], nextToken: string | undefined) {
    try {
      return await this.#client.send(
        new ListExecutionsCommand({
          stateMachineArn: this.#checkout,
          statusFilter: status,
          maxResults: 1000,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
    } catch (error) {
      throw new SagaUnavailableError(error);
    }
  }

  #arnOf(orderId: string, execution: SagaExecution): string {
    switch (execution.saga) {
      case 'checkout':
        return executionArnOf(this.#checkout, orderId);
      case 'cancel':
        return executionArnOf(this.#cancel, cancelExecutionName(orderId, execution.attempt));
      case 'settle':
        return executionArnOf(this.#settleArn(), settleExecutionName(orderId));
    }
  }

  #settleArn(): string {
    if (!this.#settle)
      throw new Error('the settle state machine is not configured (SETTLE_STATE_MACHINE_ARN)');
    return this.#settle;
  }

  async #start(stateMachineArn: string, name: string, input: unknown): Promise<void> {
    try {
      await this.#client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
    } catch (error) {
      // The execution name is taken: this saga was started before, which is all we wanted.
      if (error instanceof ExecutionAlreadyExists) return;
      throw new SagaUnavailableError(error);
    }
  }
}
