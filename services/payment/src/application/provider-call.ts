import { InvalidPaymentTransitionError, PaymentProviderUnavailableError } from '../domain/payment.errors.ts';
import { ProviderRejectedError, ProviderUnavailableError } from '../domain/payment-provider.port.ts';

/** Calls the provider, turning its failures into the service's errors. */
export const callProvider = async <T>(
  operation: string,
  status: string,
  call: () => Promise<T>,
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderUnavailableError) throw new PaymentProviderUnavailableError(error);
    if (error instanceof ProviderRejectedError) {
      throw new InvalidPaymentTransitionError(
        operation,
        status,
        `the provider refused to ${operation}: ${error.code}`,
      );
    }
    throw error;
  }
};
