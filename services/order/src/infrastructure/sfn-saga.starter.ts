import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { CancelSagaInput, CheckoutSagaInput } from '@shop/contracts/order';
import { SagaUnavailableError } from '../domain/order.errors.ts';
import type { SagaStarter } from '../domain/saga-starter.port.ts';

export interface SfnSagaStarterOptions {
  readonly client: SFNClient;
  /** `CHECKOUT_STATE_MACHINE_ARN`. */
  readonly checkoutStateMachineArn: string;
  /** `CANCEL_STATE_MACHINE_ARN`. */
  readonly cancelStateMachineArn: string;
}

/** The name of a cancel saga execution: one per cancellation attempt of the order. */
export const cancelExecutionName = (orderId: string, attempt: number): string =>
  `${orderId}-cancel-${attempt}`;

/** Starts the sagas with Step Functions' StartExecution; the SDK's own retries cover throttling. */
export class SfnSagaStarter implements SagaStarter {
  readonly #client: SFNClient;
  readonly #checkout: string;
  readonly #cancel: string;

  constructor(options: SfnSagaStarterOptions) {
    this.#client = options.client;
    this.#checkout = options.checkoutStateMachineArn;
    this.#cancel = options.cancelStateMachineArn;
  }

  startCheckout(input: CheckoutSagaInput): Promise<void> {
    return this.#start(this.#checkout, input.orderId, input);
  }

  startCancel(input: CancelSagaInput, attempt: number): Promise<void> {
    return this.#start(this.#cancel, cancelExecutionName(input.orderId, attempt), input);
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
