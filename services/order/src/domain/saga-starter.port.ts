import type { CancelSagaInput, CheckoutSagaInput } from '@shop/contracts/order';

/**
 * Starts the order's sagas. Starting one that already exists (same execution name) is not an error:
 * the execution name makes a repeated start a no-op.
 */
export interface SagaStarter {
  /** Execution name: the order id. @throws SagaUnavailableError */
  startCheckout(input: CheckoutSagaInput): Promise<void>;
  /** Execution name: `<orderId>-cancel-<attempt>`. @throws SagaUnavailableError */
  startCancel(input: CancelSagaInput, attempt: number): Promise<void>;
}
